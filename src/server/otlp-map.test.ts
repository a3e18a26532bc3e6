/** OTLP attribute mapping: documented attributes, whole events, non-access records, number forms. */
import { describe, expect, it } from 'vitest';
import { otlpToLines, recordToLine } from './otlp-map.js';

const s = (key: string, v: string): { key: string; value: { stringValue: string } } => ({ key, value: { stringValue: v } });

describe('OTLP → access events', () => {
  it('maps the documented attributes, resource attributes under record ones', () => {
    const line = recordToLine({
      timeUnixNano: '1750734765123000000',
      attributes: [
        s('http.request.method', 'GET'), s('http.route', '/v1/members/{id}/addresses'), s('url.path', '/v1/members/m-1/addresses'),
        { key: 'http.response.status_code', value: { intValue: '200' } }, s('client.address', '203.0.113.7'),
        { key: 'client.as.number', value: { intValue: 64500 } }, s('breachwatch.token.jti', 'j-1'),
        { key: 'breachwatch.token.iat', value: { intValue: '1750734700' } },
      ],
    }, new Map<string, unknown>([['client.address', '10.0.0.1'], ['user_agent.original', 'ShopApp/7.1']]));
    expect(JSON.parse(line ?? '')).toEqual({
      time: '2025-06-24T03:12:45.123Z', method: 'GET', route: '/v1/members/{id}/addresses', status: 200,
      src_ip: '203.0.113.7', user_agent: 'ShopApp/7.1', asn: 64500, token: { jti: 'j-1', iat: 1750734700 },
    });
  });

  it('takes breachwatch.event whole and ignores records that are not access logs', () => {
    const lines = otlpToLines({ resourceLogs: [{ scopeLogs: [{ logRecords: [
      { attributes: [s('breachwatch.event', '{"a":1}')] },
      { attributes: [s('log.message', 'cache warmed')] },
    ] }] }] });
    expect(lines).toEqual(['{"a":1}', undefined]);
  });
});
