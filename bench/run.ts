/**
 * Benchmark runner: `npm run bench -- [hunt|peer|coverage|scope|sigma|serve|simulate|evidence|clickhouse|cluster|notices|portal|all] [--accounts N] [--persons N] [--days D] [--events N] [--per-account K] [--threads T] [--seconds S] [--rolling] [--notices N] [--format mbox|eml]`
 * (`--notices`: delivery-ledger notices of the clickhouse benchmark, default 2000; `--format`: how
 * the notices benchmark stores its messages, default mbox).
 * Every figure is printed next to a baseline measured in the same run.
 */
import { parseArgs } from 'node:util';
import { benchHunt } from './hunt.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    accounts: { type: 'string' }, days: { type: 'string' }, events: { type: 'string' }, 'per-account': { type: 'string' }, scenario: { type: 'string' },
    seconds: { type: 'string' }, rolling: { type: 'boolean' }, persons: { type: 'string' }, threads: { type: 'string' },
    notices: { type: 'string' }, format: { type: 'string' },
  },
});
const which = positionals[0] ?? 'all';

if (which === 'hunt' || which === 'all') {
  await benchHunt({
    accounts: Number(values.accounts ?? 1_000_000), days: Number(values.days ?? 3),
    ...(values.scenario !== undefined && { scenario: values.scenario }),
  });
}
if (which === 'peer' || which === 'all') {
  const { benchPeer } = await import('./peer.js');
  await benchPeer({
    accounts: Number(values.accounts ?? 1_000_000), days: Number(values.days ?? 3),
    // `--threads 1,2`: hunt + scope once per count (each against the same peer run)
    ...(values.threads !== undefined && { threads: values.threads.split(',').map(Number) }),
  });
}
if (which === 'coverage' || which === 'all') {
  const { benchCoverage } = await import('./coverage.js');
  await benchCoverage({
    accounts: Number(values.accounts ?? 200_000), days: Number(values.days ?? 3), events: Number(values.events ?? 1_000_000),
    ...(values.scenario !== undefined && { scenario: values.scenario }),
  });
}
if (which === 'scope' || which === 'all') {
  const { benchScope } = await import('./scope.js');
  await benchScope({ events: Number(values.events ?? 50_000_000), dir: new URL('.data/', import.meta.url).pathname });
}
if (which === 'clickhouse' || which === 'all') {
  const { benchClickHouse } = await import('./clickhouse.js');
  await benchClickHouse({
    events: Number(values.events ?? 50_000_000), dir: new URL('.data/', import.meta.url).pathname,
    ...(values.notices !== undefined && { notices: Number(values.notices) }),
  });
}
if (which === 'cluster' || which === 'all') {
  const { benchCluster } = await import('./cluster.js');
  await benchCluster({ accounts: Number(values.accounts ?? 20_000), days: Number(values.days ?? 7) });
}
if (which === 'sigma' || which === 'all') {
  const { benchSigma } = await import('./sigma.js');
  await benchSigma(values.events !== undefined ? { events: Number(values.events) } : {});
}
if (which === 'simulate') {
  const { benchSimulate } = await import('./simulate.js');
  await benchSimulate({
    ...(values.accounts !== undefined && { accounts: Number(values.accounts) }),
    ...(values.days !== undefined && { days: Number(values.days) }),
    ...(values.scenario !== undefined && { scenario: values.scenario }),
    ...(values.rolling === true && { rolling: true }),
  });
}
if (which === 'evidence' || which === 'all') {
  const { benchEvidence } = await import('./evidence.js');
  await benchEvidence({
    ...(values.events !== undefined && { events: Number(values.events) }),
    ...(values['per-account'] !== undefined && { perAccount: Number(values['per-account']) }),
  });
}
if (which === 'notices' || which === 'all') {
  const { benchNotices } = await import('./notices.js');
  await benchNotices({
    ...(values.persons !== undefined && { persons: Number(values.persons) }),
    ...(values.threads !== undefined && { threads: Number(values.threads) }),
    ...(values.format !== undefined && { format: values.format === 'eml' ? 'eml' : 'mbox' }),
  });
}
if (which === 'serve' || which === 'all') {
  const { benchServeIngest, benchServeSteady } = await import('./serve.js');
  await benchServeIngest(values.accounts !== undefined ? { accounts: Number(values.accounts) } : {});
  await benchServeSteady({ rate: 20_000, seconds: Number(values.seconds ?? 60) });
}
if (which === 'portal' || which === 'all') {
  const { benchPortal } = await import('./portal.js');
  await benchPortal(values.seconds !== undefined ? { seconds: Number(values.seconds) } : {});
}
