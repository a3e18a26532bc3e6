/**
 * OTLP/HTTP JSON logs sent by the official OpenTelemetry JS logs exporter
 * (@opentelemetry/exporter-logs-otlp-http with a LoggerProvider from @opentelemetry/sdk-logs)
 * to a real server: records with the documented attributes become access events, records
 * with `breachwatch.event` are taken whole, other logs are ignored, bad ones quarantined.
 */
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traffic } from './gen.js';
import { getJson, startTestService, type TestService } from './harness.js';

let t: TestService;
beforeAll(async () => { t = await startTestService(); });
afterAll(async () => { await t.close(); });

describe('OTLP/HTTP logs ingest', () => {
  it('stores access events sent by the OpenTelemetry JS exporter', async () => {
    const exporter = new OTLPLogExporter({ url: `${t.url}/v1/logs`, headers: { authorization: `Bearer ${t.keys.ingest}` } });
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop-gateway' }),
      processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 100, scheduledDelayMillis: 50 })],
    });
    const logger = provider.getLogger('gateway');
    const start = Date.parse('2025-06-24T03:00:00Z');
    for (let i = 0; i < 250; i++) {
      logger.emit({
        timestamp: new Date(start + i * 1000),
        body: 'request served',
        attributes: {
          'http.request.method': 'GET', 'http.route': '/v1/members/{id}/profile', 'http.response.status_code': 200,
          'client.address': '203.0.113.9', 'user_agent.original': 'ShopApp/7.1', 'breachwatch.request_id': `otel-${i}`,
          'breachwatch.account_id': `m-${i}`, 'breachwatch.records': 1, 'client.as.number': 64500,
          'breachwatch.token.jti': `otel-jti-${i % 10}`, 'breachwatch.token.kid': 'sig-2024-01', 'breachwatch.token.sub': `m-${i}`,
          'breachwatch.token.iat': Math.floor(start / 1000), 'breachwatch.token.exp': Math.floor(start / 1000) + 3600,
        },
      });
    }
    const whole = traffic({ events: 20, prefix: 'otel-whole', startMs: start });
    for (const line of whole.access) logger.emit({ body: 'x', attributes: { 'breachwatch.event': line } });
    logger.emit({ body: 'cache warmed', attributes: { 'cache.size': 12 } });
    logger.emit({ body: 'bad', attributes: { 'http.request.method': 'GET', 'http.route': '/x', 'http.response.status_code': 200 } });
    await provider.forceFlush();
    await provider.shutdown();
    expect(await t.svc.store.countAccess()).toBe(270);
    expect(t.svc.pipeline.stats().committed['otlp']).toBe(270);
    const m = await getJson<string>(`${t.url}/metrics`, t.keys.analyst);
    expect(m.body).toMatch(/breachwatch_ingest_quarantined_total\{source="otlp",reason="(missing_field|bad_time)"\} 1/);
  });

  it('answers in OTLP form with counts, and 400 for a body that is not OTLP', async () => {
    const body = { resourceLogs: [{ scopeLogs: [{ logRecords: [
      { timeUnixNano: '1750734000000000000', attributes: [
        { key: 'http.request.method', value: { stringValue: 'GET' } }, { key: 'url.path', value: { stringValue: '/v1/products/p-1' } },
        { key: 'http.response.status_code', value: { intValue: '200' } }, { key: 'client.address', value: { stringValue: '192.0.2.1' } },
      ] },
      { attributes: [{ key: 'http.request.method', value: { stringValue: 'GET' } }] },
    ] }] }] };
    const res = await fetch(`${t.url}/v1/logs`, { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${t.keys.ingest}`, 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const answer = await res.json() as Record<string, unknown>;
    expect(answer).toMatchObject({ accepted: 1, quarantined: 1, partialSuccess: { rejectedLogRecords: 1 } });
    const bad = await fetch(`${t.url}/v1/logs`, { method: 'POST', body: '[1,2]', headers: { authorization: `Bearer ${t.keys.ingest}`, 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'ERR_INPUT_INVALID' });
  });
});
