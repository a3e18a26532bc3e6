import { describe, expect, it } from 'vitest';
import { buildProgram } from './main.js';

describe('the program', () => {
  it('registers only the sub-command that runs, and every one for help or a mistyped name', async () => {
    const one = await buildProgram('scope');
    expect(one.commands.map((c) => c.name())).toEqual(['scope']);
    const all = (await buildProgram('--help')).commands.map((c) => c.name());
    expect(all).toEqual(expect.arrayContaining(['hunt', 'scope', 'simulate', 'demo', 'sigma', 'serve', 'evidence', 'notice', 'incident', 'prune', 'report']));
    expect((await buildProgram('scpoe')).commands.map((c) => c.name())).toEqual(all);
    expect((await buildProgram()).commands.map((c) => c.name())).toEqual(all);
  });
});
