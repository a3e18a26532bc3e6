/** Config loading: defaults, located errors, environment overrides, path resolution. */
import { describe, expect, it } from 'vitest';
import { isBreachwatchError } from '../model/index.js';
import { parseConfigText } from './config-load.js';

const HASH = 'a'.repeat(64);
const GOOD = `# minimal
api_keys:
  - { name: ops, role: admin, sha256: ${HASH} }
store:
  url: duckdb:data/bw.duckdb
`;

function problem(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfigText(text, '/etc/bw/config.yaml', env);
  } catch (e) {
    if (isBreachwatchError(e, 'ERR_CONFIG')) return e.message;
    throw e;
  }
  throw new Error('expected a config error');
}

describe('serve config', () => {
  it('fills defaults and resolves relative paths against the file', () => {
    const c = parseConfigText(GOOD, '/etc/bw/config.yaml');
    expect(c.http.port).toBe(8080);
    expect(c.store.url).toBe('duckdb:/etc/bw/data/bw.duckdb');
    expect(c.detect.allowed_lateness_ms).toBe(30_000);
    expect(c.api_keys[0]?.role).toBe('admin');
  });

  it('points at the line of a bad value', () => {
    const text = GOOD.replace('role: admin', 'role: root');
    expect(problem(text)).toContain('config.yaml:3: api_keys[0].role: ');
    expect(problem(text)).toMatch(/ingest.*analyst.*admin/);
  });

  it('reports unknown keys and missing keys', () => {
    expect(problem('http: { prot: 1 }\n')).toMatch(/config\.yaml:1: .*prot/);
    expect(problem('http: { port: 1 }\n')).toContain('api_keys');
  });

  it('applies BREACHWATCH_<PATH> overrides with YAML scalar typing', () => {
    const c = parseConfigText(GOOD, '/etc/bw/config.yaml', {
      BREACHWATCH_HTTP_PORT: '9100', BREACHWATCH_DETECT_ALLOWED_LATENESS_MS: '5000', BREACHWATCH_NOPE: 'x',
    });
    expect(c.http.port).toBe(9100);
    expect(c.detect.allowed_lateness_ms).toBe(5000);
  });

  it('names the environment variable behind a bad override', () => {
    expect(problem(GOOD, { BREACHWATCH_HTTP_PORT: 'eighty' })).toContain('env BREACHWATCH_HTTP_PORT: http.port');
  });

  it('takes a store URL from the environment, and refuses a bad one at its line', () => {
    const c = parseConfigText(GOOD, '/etc/bw/config.yaml', { BREACHWATCH_STORE_URL: 'clickhouse://bw:s3cret@ch1:9000/events' });
    expect(c.store.url).toBe('clickhouse://bw:s3cret@ch1:9000/events');
    expect(problem(GOOD.replace('duckdb:data/bw.duckdb', 'data/bw.duckdb'))).toMatch(/config\.yaml:5: store\.url: .*no scheme.*duckdb:data\/bw\.duckdb/);
    expect(problem(GOOD.replace('duckdb:data/bw.duckdb', 'postgres://db/x'))).toContain("unknown store scheme 'postgres:'");
  });

  it('reports YAML syntax errors with a line', () => {
    expect(problem('api_keys:\n  - [unclosed\n')).toMatch(/config\.yaml:\d+:/);
  });
});

describe('docs/serve.example.yaml', () => {
  it('is a valid config', async () => {
    const { loadConfig } = await import('./config-load.js');
    const c = await loadConfig(new URL('../../docs/serve.example.yaml', import.meta.url).pathname, {});
    expect(c.sinks.map((s) => s.type)).toEqual(['webhook', 'slack', 'file']);
    expect(c.nats?.subjects.access).toEqual(['gw.access.>']);
  });
});
