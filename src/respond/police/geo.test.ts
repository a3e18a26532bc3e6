/**
 * Offline enrichment against the installed data sets: known public addresses resolve to their
 * operators' ASNs and countries, private ones to nothing, and the data's date is named.
 */
import { describe, expect, it } from 'vitest';
import { openGeoLookup } from './geo.js';

describe('openGeoLookup', () => {
  it('resolves public addresses offline and names the data date', async () => {
    const g = await openGeoLookup();
    expect(g.lookup('8.8.8.8')).toMatchObject({ asn: 'AS15169', country: 'US' });
    expect(g.lookup('1.1.1.1')).toMatchObject({ asn: 'AS13335' });
    expect(g.lookup('10.1.2.3')).toEqual({});
    expect(g.lookup('not-an-ip')).toEqual({});
    for (const s of g.sources) expect(s.data_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(g.sources.map((s) => s.name)).toEqual(['@ip-location-db/asn', '@ip-location-db/geo-whois-asn-country-mmdb']);
  });
});
