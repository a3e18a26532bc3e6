/**
 * Spec clause: YAML loading — multi-document files, rule collections (action: global, reset,
 * repeat), required fields, YAML errors with positions, filters, and cross-rule references.
 */
import { describe, expect, it } from 'vitest';
import { matchAll, rulesFrom } from '../../test/fixtures/sigma/helpers.js';
import { loadSigmaRules } from './load.js';

const FIX = new URL('../../test/fixtures/sigma/', import.meta.url).pathname;

describe('documents and collections', () => {
  it('loads several rules from one multi-document file', () => {
    const y = "title: A\nlogsource: {category: webserver}\ndetection: {s: {x: 1}, condition: s}\n---\ntitle: B\nlogsource: {category: webserver}\ndetection: {s: {x: 2}, condition: s}\n";
    expect(matchAll(y, [{ x: 1 }, { x: 2 }])).toEqual([['A'], ['B']]);
  });

  it('action: global merges into the following documents until reset; repeat reuses the previous', async () => {
    const { rules, refused } = await loadSigmaRules([`${FIX}collection.yml`]);
    expect(refused).toEqual([]);
    const byTitle = Object.fromEntries(rules.detections.map((r) => [r.title, r]));
    expect(Object.keys(byTitle).sort()).toEqual(['Admin paths', 'Admin paths (POST)', 'Standalone']);
    expect(byTitle['Admin paths']?.logsource).toEqual({ category: 'webserver' });
    expect(byTitle['Admin paths (POST)']?.level).toBe('high');
    expect(byTitle['Standalone']?.level).toBe('low');
    expect(byTitle['Admin paths (POST)']?.pos.line).toBe(15);
  });

  it('refuses bad YAML and bad documents with a position, keeps loading the rest', async () => {
    const { rules, refused } = await loadSigmaRules([`${FIX}bad-rules.yml`]);
    expect(rules.detections.map((r) => r.title)).toEqual(['Good']);
    expect(refused.map((r) => [r.line, r.column, r.code])).toEqual([[10, 1, 'ERR_SIGMA_RULE'], [12, 1, 'ERR_SIGMA_RULE'], [19, 8, 'ERR_SIGMA_RULE']]);
    expect(refused[0]?.reason).toMatch(/^YAML: Map keys must be unique/);
    expect(refused[1]?.reason).toMatch(/logsource/);
    expect(refused[2]?.reason).toMatch(/^level must be one of/);
  });

  it('an unreadable path is an ERR_INPUT_UNREADABLE error, not a refusal', async () => {
    await expect(loadSigmaRules([`${FIX}does-not-exist.yml`])).rejects.toMatchObject({ code: 'ERR_INPUT_UNREADABLE' });
  });
});

describe('filters', () => {
  const y = `title: Admin
id: r-admin
logsource: {category: webserver}
detection: {s: {c-uri|startswith: /admin}, condition: s}
---
title: Office IPs are fine
logsource: {category: webserver}
filter:
  rules: [r-admin]
  office:
    c-ip|cidr: 10.0.0.0/8
  condition: not office
`;
  it('exclude events from the named rules', () => {
    expect(matchAll(y, [{ route: '/admin', src_ip: '10.1.2.3' }, { route: '/admin', src_ip: '203.0.113.9' }])).toEqual([[], ['Admin']]);
  });
  it('a filter naming an unknown rule is refused at that name', () => {
    const { refused } = rulesFrom(y.replace('rules: [r-admin]', 'rules: [r-admin, r-nope]'));
    expect(refused[0]).toMatchObject({ line: 9, column: 20 });
    expect(refused[0]?.reason).toMatch(/r-nope/);
  });
});
