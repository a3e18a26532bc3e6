/** many-accounts-per-source: harvesters fire, crowds do not; windows; actors; contract suite. */
import { describe, expect, it } from 'vitest';
import { at, ref, runDetector } from '../../../test/fixtures/detect/builders.js';
import { fastHarvest, lowAndSlow, natCrowd, provenCrowd, slowStaffActor, staffActor } from '../../../test/fixtures/detect/crowds.js';
import type { PipelineEvent } from '../../model/index.js';
import { runDetectorContract } from '../detector.contract.js';
import type { Engine } from '../engine.js';
import { ManyAccountsDetector } from './many-accounts.js';
import { subnetOf } from './subnet.js';

function run(events: readonly PipelineEvent[]): Engine {
  return runDetector(new ManyAccountsDetector(), [...events].sort((a, b) => a.t - b.t));
}

describe('many-accounts-per-source', () => {
  it('a fast harvester fires on its IP, subnet, device and user agent with indicators', () => {
    const eng = run(fastHarvest());
    const ents = eng.alerts().map((a) => `${a.entity.type}:${a.entity.id}`).sort();
    expect(ents).toEqual(['device:d-evil', 'ip:203.0.113.66', 'subnet:203.0.113.0/24', 'user_agent:python-requests/2.31']);
    const ip = eng.alerts().find((a) => a.entity.type === 'ip');
    expect(ip?.accounts).toBeGreaterThanOrEqual(20);
    expect(ip?.details.window).toBe('1 h');
    expect(eng.indicators().find((i) => i.type === 'ip')?.value).toBe('203.0.113.66');
  });

  it('a carrier NAT full of shopping customers does not fire', () => {
    expect(run(natCrowd()).alerts()).toEqual([]);
  });

  it('a crowd whose tokens were issued to its own address does not fire', () => {
    expect(run(provenCrowd()).alerts()).toEqual([]);
  });

  it('the harvester still fires when hidden among the crowd', () => {
    const eng = run([...natCrowd(), ...fastHarvest(5)]);
    expect(eng.alerts().some((a) => a.entity.id === '203.0.113.66')).toBe(true);
    expect(eng.alerts().some((a) => a.entity.id === '198.51.100.1')).toBe(false);
  });

  it('a low-and-slow harvest of 10 accounts a day is caught by the 30-day window, not before day 20', () => {
    expect(run(lowAndSlow(15)).alerts()).toEqual([]);
    const a = run(lowAndSlow(25)).alerts().find((x) => x.entity.type === 'ip');
    expect(a?.details.window).toBe('30 d');
    expect(Date.parse(a?.detected_at ?? '')).toBeGreaterThan(Date.parse('2025-07-13T00:00:00Z'));
  });

  it('a staff actor reading far more accounts than peers fires as an account entity', () => {
    const eng = run(staffActor());
    const a = eng.alerts().filter((x) => x.entity.type === 'account');
    expect(a.map((x) => x.entity.id)).toEqual(['s-staff-9']);
    expect(eng.indicators().some((i) => i.type === 'actor' && i.value === 's-staff-9')).toBe(true);
  });

  it('a slow staff actor is judged over the 7-day window and its indicator covers its whole history', () => {
    const eng = run(slowStaffActor());
    const a = eng.alerts().filter((x) => x.entity.type === 'account');
    expect(a.map((x) => [x.entity.id, x.details.window])).toEqual([['s-staff-9', '7 d']]);
    const ind = eng.indicators().find((i) => i.type === 'actor');
    expect(ind?.first_seen).toBe(at(0));
    expect(Date.parse(a[0]?.detected_at ?? '')).toBeGreaterThan(at(2 * 1440));
  });

  it('a service token acting on others is named as its client', () => {
    const events = staffActor().map((e) => (e.token?.sub === 's-staff-9' ? { ...e, token: { ...e.token, sub: 'console', client_id: 'console' } } : e));
    const a = run(events).alerts().find((x) => x.details.source_type === 'actor');
    expect(a?.entity).toEqual({ type: 'client', id: 'console' });
    expect(a?.title).toMatch(/^Client console read personal data of \d+ accounts/);
  });

  it('subnets are /24 and /48', () => {
    expect(subnetOf('203.0.113.66')).toBe('203.0.113.0/24');
    expect(subnetOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(subnetOf('not-an-ip')).toBeUndefined();
  });
});

runDetectorContract('many-accounts-per-source', () => new ManyAccountsDetector(), [...natCrowd(), ...fastHarvest(5)].sort((a, b) => a.t - b.t), ref);

describe('subnet fast path', () => {
  it('agrees with ipaddr.js and rejects odd forms', async () => {
    const { SubnetCache } = await import('./subnet.js');
    const c = new SubnetCache();
    for (const ip of ['1.2.3.4', '255.255.255.255', '10.0.0.1', '203.0.113.66']) expect(c.of(ip)).toBe(subnetOf(ip));
    expect(c.of('not-an-ip')).toBeUndefined();
    expect(c.of('256.1.1.1')).toBeUndefined();
    expect(c.of('::ffff:1.2.3.4')).toBe('1.2.3.0/24');
  });
});
