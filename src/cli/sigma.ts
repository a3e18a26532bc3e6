/**
 * `breachwatch sigma check PATH...` and `breachwatch sigma match --rules PATH... EVENTS...`.
 * check: one line per rule, loaded or refused (file:line:column and reason); exit 0 when every
 * rule loaded, 1 when any was refused, 2 when a path cannot be read.
 * match: NDJSON per matching event and per correlation firing; exit 0 whether or not anything matched.
 */
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { BreachwatchError } from '../model/index.js';
import { eventTime, readEvents } from '../sigma/index.js';
import {
  ACCESS_LOGSOURCES, createSigmaEngine, formatPos, loadFieldMap, loadPlaceholders, loadSigmaRules, parseLogSourceArg,
} from '../sigma/index.js';
import type { CorrelationFiring, LoadOptions, LogSource, SigmaMatch } from '../sigma/index.js';

interface MatchFlags { rules: string[]; fieldMap?: string; logsource?: string[]; ignoreLogsource?: boolean; expand?: string }

const iso = (t: number): string | null => (Number.isFinite(t) ? new Date(t).toISOString() : null);
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

async function check(paths: string[], flags: { json?: boolean; expand?: string }): Promise<void> {
  const opts: LoadOptions = flags.expand ? { placeholders: await loadPlaceholders(flags.expand) } : {};
  const { rules, refused } = await loadSigmaRules(paths, opts);
  const loaded = [...rules.detections, ...rules.correlations, ...rules.filters]
    .sort((a, b) => a.file.localeCompare(b.file) || a.docIndex - b.docIndex);
  const w = (s: string): boolean => process.stdout.write(`${s}\n`);
  for (const r of loaded) {
    if (flags.json) w(JSON.stringify({ status: 'loaded', kind: r.kind, file: r.file, line: r.pos.line, column: r.pos.column, id: r.id ?? null, title: r.title }));
    else w(`loaded  ${formatPos(r.pos)}  ${r.kind}  ${r.id ?? r.name ?? '-'}  ${r.title}`);
  }
  for (const r of refused) {
    if (flags.json) w(JSON.stringify({ status: 'refused', file: r.file, line: r.line, column: r.column, code: r.code, reason: r.reason, title: r.rule ?? null }));
    else w(`refused ${formatPos(r)}  ${r.code}  ${r.reason}${r.rule ? `  (${r.rule})` : ''}`);
  }
  process.stderr.write(`sigma check: ${loaded.length} loaded, ${refused.length} refused\n`);
  process.exitCode = refused.length > 0 ? 1 : 0;
}

async function match(events: string[], f: MatchFlags): Promise<void> {
  if (f.ignoreLogsource && f.logsource) throw new BreachwatchError('ERR_USAGE', '--logsource and --ignore-logsource exclude each other');
  const opts: LoadOptions = f.expand ? { placeholders: await loadPlaceholders(f.expand) } : {};
  const { rules, refused } = await loadSigmaRules(f.rules, opts);
  for (const r of refused) process.stderr.write(`sigma: refused ${formatPos(r)}: ${r.reason}\n`);
  const logsources: readonly LogSource[] | 'all' = f.ignoreLogsource ? 'all' : f.logsource ? f.logsource.map(parseLogSourceArg) : ACCESS_LOGSOURCES;
  const fieldMap = f.fieldMap ? await loadFieldMap(f.fieldMap) : undefined;
  const engine = createSigmaEngine(rules, { logsources, ...(fieldMap ? { fieldMap } : {}) });
  const out: string[] = [];
  const flush = (): void => { if (out.length > 0) { process.stdout.write(out.join('')); out.length = 0; } };
  let file = '';
  let index = 0;
  let bad = 0;
  const sink = {
    onMatch: (m: SigmaMatch): void => {
      out.push(`${JSON.stringify({ rule_id: m.rule.id ?? m.rule.name ?? null, title: m.rule.title, level: m.rule.level, file, index, time: iso(m.t) })}\n`);
    },
    onFiring: (c: CorrelationFiring): void => {
      out.push(`${JSON.stringify({ correlation_id: c.rule.id ?? c.rule.name ?? null, title: c.rule.title, level: c.rule.level, group: c.group, window_start: iso(c.windowStart), window_end: iso(c.windowEnd), value: c.value })}\n`);
    },
  };
  let lastT = NaN;
  for (const path of events) {
    file = path;
    for await (const fe of readEvents(path, (b) => { bad++; process.stderr.write(`sigma: ${b.file}:${b.line}: ${b.reason}\n`); })) {
      index = fe.index;
      const t = eventTime(fe.event);
      if (t !== undefined) lastT = t;
      engine.process(fe.event, t ?? lastT, sink);
      if (out.length >= 256) flush();
    }
  }
  flush();
  if (bad > 0) process.stderr.write(`sigma match: ${bad} unreadable line(s) skipped\n`);
  process.exitCode = 0;
}

/** Adds `sigma check` and `sigma match` to the program. */
export function registerSigma(program: Command): void {
  const sigma = program.command('sigma').description('check and run Sigma rules (detections, filters, correlations)');
  sigma.command('check')
    .description('load Sigma rules and list each as loaded or refused (file:line:column and reason); exit 1 if any is refused')
    .argument('<paths...>', 'rule files or directories (.yml/.yaml, searched recursively)')
    .option('--json', 'one JSON object per rule instead of text')
    .option('--expand <file>', 'YAML map of placeholder → values for |expand')
    .action(async (paths: string[], flags: { json?: boolean; expand?: string }) => { await check(paths, flags); });
  sigma.command('match')
    .description('match events against Sigma rules and print NDJSON per match and per correlation firing')
    .requiredOption('--rules <paths...>', 'rule files or directories')
    .option('--field-map <file>', 'YAML: rule field → dotted JSON path (or list of candidate paths)')
    .option('--logsource <spec>', 'declared log source of the events: product=X,category=Y,service=Z (repeatable; default category=webserver and category=proxy)', collect)
    .option('--ignore-logsource', 'evaluate every rule against every event')
    .option('--expand <file>', 'YAML map of placeholder → values for |expand')
    .argument('[events...]', 'NDJSON (.gz) or JSON files (one object or an array)')
    .action(async (events: string[], flags: MatchFlags) => {
      // `--rules a.yml dir/ events.ndjson`: the variadic option swallows the events; split them back.
      const rules: string[] = [];
      const more: string[] = [];
      for (const p of flags.rules) {
        const isDir = await stat(p).then((s) => s.isDirectory(), () => false);
        (isDir || /\.ya?ml$/i.test(p) ? rules : more).push(p);
      }
      const all = [...more, ...events];
      if (rules.length === 0) throw new BreachwatchError('ERR_USAGE', 'sigma match: --rules names no .yml/.yaml file or directory');
      if (all.length === 0) throw new BreachwatchError('ERR_USAGE', 'sigma match: no event files given');
      await match(all, { ...flags, rules });
    });
}
