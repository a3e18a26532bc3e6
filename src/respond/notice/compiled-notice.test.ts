/**
 * The compiled render gives exactly what the plain render gives, for every kind, both rules'
 * templates and locales, with and without the `when_field` fields, empty lists, names that
 * need HTML escaping or have none, and times in many minutes; a template whose section title
 * holds a personal value, and wording holding the marker character, still render the plain
 * way. The mail-merge CSV formatter writes what csv-stringify writes.
 */
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompiledNotice, type PersonalContent } from './compiled-notice.js';
import { ContentBuilder } from './content.js';
import { loadIncidentFile, type IncidentInfo } from './incident-info.js';
import { loadNoticeKit, type NoticeKit } from './kit.js';
import { renderNotice } from './render-notice.js';
import { csvRecord } from './render-folder.js';
import { NOTICE_KINDS, type PlannedNotice } from './types.js';

const FIX = new URL('../../../test/fixtures/notice/', import.meta.url).pathname;
const T0 = Date.parse('2025-06-24T00:00:00Z');
const FIELD_SETS = [['email', 'name'], ['address', 'entrance_code', 'name', 'phone'], ['entrance_code'], ['order_history'], []];
const NAMES = ['김테스트', 'Doe, "Test" <b>&amp;</b> \'Person\'', '', 'Test Person'];

let incident: IncidentInfo;
const kits = new Map<string, NoticeKit>();

beforeAll(async () => {
  incident = await loadIncidentFile(join(FIX, 'incident.yaml'));
  for (const rules of ['kr-pipa', 'eu-gdpr']) kits.set(rules, await loadNoticeKit(incident, { rules }));
});

function planned(i: number): PlannedNotice {
  const kind = NOTICE_KINDS[i % NOTICE_KINDS.length]!;
  const fields = FIELD_SETS[i % FIELD_SETS.length]!;
  return {
    kind, reason: kind === 'update' ? 'fields_grew' : kind === 'possible_leak' ? 'possible' : 'first', account_id: `m-${i}`, fields,
    new_fields: kind === 'update' ? fields.slice(0, 1 + (i % 2)) : [],
    // Minutes apart, and within a minute: the per-minute memo must show each its own minute.
    first_access: T0 + i * 61_234, last_access: T0 + i * 61_234 + (i % 7) * 3_599_999,
    contact: { account_id: `m-${i}`, name: NAMES[i % NAMES.length]!, email: `m-${i}@test.example.org`, phone: '', locale: i % 2 === 0 ? 'ko' : 'en' },
  };
}

describe('CompiledNotice', () => {
  it('renders every variant exactly as the plain renderer does, text and bytes', () => {
    const t = kits.get('kr-pipa')!.templates.get('en')!;
    const direct = new CompiledNotice(t, { company: 'Example' }, []);
    direct.render({ kind: 'initial', fieldNames: new Set(), values: { name: 'A', first_access: 'a', last_access: 'b', fields_inline: 'x', new_fields_inline: '' }, lists: { fields: ['x'], new_fields: [] } });
    expect(direct.variantCount).toEqual({ compiled: 1, plain: 0 });
    for (const [rules, kit] of kits) {
      const content = new ContentBuilder(kit, incident, Date.parse('2025-11-20T00:00:00Z'));
      for (let i = 0; i < 400; i++) {
        const n = planned(i);
        const locale = kit.localeFor(n.contact!.locale);
        const plain = renderNotice(content.templateFor(locale), content.build(n, locale));
        const where = `${rules} ${locale} #${i}`;
        expect(content.render(n, locale), where).toEqual(plain);
        const b = content.renderBytes(n, locale);
        expect(b.text.toString('utf8'), where).toBe(plain.text);
        expect(b.html.toString('utf8'), where).toBe(plain.html);
        expect([b.subject, b.sms], where).toEqual([plain.subject, plain.sms]);
      }
    }
  });

  it('shows each person only their own fields and escapes their name in HTML', () => {
    const kit = kits.get('kr-pipa')!;
    const content = new ContentBuilder(kit, incident, Date.parse('2025-11-20T00:00:00Z'));
    const a = content.renderBytes({ ...planned(5), fields: ['email'], contact: { ...planned(5).contact!, name: '<x>' } }, 'en');
    const b = content.renderBytes({ ...planned(5), fields: ['address', 'entrance_code'] }, 'en');
    const label = (f: string): string => kit.labels.get('en')!.label(f);
    expect(a.text.toString()).toContain(`  - ${label('email')}`);
    expect(a.text.toString()).not.toContain(label('address'));
    expect(a.html.toString()).toContain('&lt;x&gt;');
    expect(a.html.toString()).not.toContain('<x>');
    expect(b.text.toString()).toContain(`  - ${label('address')}\n  - ${label('entrance_code')}`);
    expect(b.text.toString()).not.toContain(`  - ${label('email')}`);
  });

  it('falls back to the plain render when a section title holds a personal value or the wording holds the marker', () => {
    const kit = kits.get('kr-pipa')!;
    const t = kit.templates.get('en')!;
    const titled = { ...t, sections: t.sections.map((s, i) => (i === 0 ? { ...s, title: ['For ', 'name', ''] } : s)) };
    const fixed = { company: 'Ex\u00000\u0000ample', portal_url: 'https://check.example.com/' };
    for (const [template, values] of [[titled, { company: 'Example' }], [t, fixed]] as const) {
      const c = new CompiledNotice(template, values, ['m1']);
      for (let i = 0; i < 20; i++) {
        const p: PersonalContent = {
          kind: NOTICE_KINDS[i % 3]!, fieldNames: new Set(['name']),
          values: { name: `한국 이름 ${'가'.repeat(i)}`, first_access: 'a', last_access: 'b', fields_inline: 'Name', new_fields_inline: i % 2 === 0 ? '' : 'Name' },
          lists: { fields: ['Name'], new_fields: i % 2 === 0 ? [] : ['Name'] },
        };
        const plain = renderNotice(template, c.content(p));
        expect(c.render(p)).toEqual(plain);
        expect(c.renderBytes(p).text.toString()).toBe(plain.text);
      }
      expect(c.variantCount.compiled).toBe(0);
    }
  });
});

describe('csvRecord', () => {
  it('writes each record as csv-stringify does', () => {
    const cells: (string | number)[] = ['', 'plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere', '"', ',', '한국어, 이름', 0, -1, 123456789, ' padded ', '=1+1'];
    for (let i = 0; i < cells.length; i++) {
      const rec = [...cells.slice(i), ...cells.slice(0, i)];
      expect(`${csvRecord(rec)}\n`).toBe(stringify([rec]));
    }
  });
});
