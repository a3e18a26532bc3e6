#!/usr/bin/env node
// Entry point of the `breachwatch` command: runs the compiled CLI in dist/.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
