/**
 * The address-header fast path gives exactly nodemailer's encoding wherever it answers: names
 * plain, quoted and in RFC 2047 words (Q and B, long ones split), local parts and domains of
 * every kind it accepts (upper case, punycode), and it declines what it does not cover.
 */
import MimeNode from 'nodemailer/lib/mime-node';
import { describe, expect, it } from 'vitest';
import { mailboxValue } from './mailbox-value.js';

const encoder = new MimeNode('text/plain');
const NAMES = [
  'Test Person 1', 'Kim_Test', '김테스트', '테스트 12345', 'Doe, "Test" Person', 'O\'Brien \\ Jr.', 'Zoë Müller', 'Émile-Zoë Ñandú',
  '박'.repeat(40), 'Ad Astra 😀', 'a\u00a0b', 'Mix 김 and Lee', 'x', '  two  spaces', 'tab\there', 'line\r\nBcc: evil@example.org', '',
  'trailing ', '=?UTF-8?B?abc?=', '<angle>', 'semi;colon', 'ㄱ'.repeat(17), `${'Long English Name '.repeat(5)}김`,
];
const ADDRESSES = [
  'm-00000001@bench.example.org', 'First.Last+tag@Example.COM', 'x@xn--jgeva-dua.ee', 'a@b', "o'brien@example.org", 'u_s-er@sub.domain.co.kr',
  'a..b@example.org', '.a@example.org', 'a@-example-.org', 'a@exa_mple.org', 'user@jõgeva.ee', '김@example.org', 'a b@example.org',
  '"quoted"@example.org', 'a@[192.0.2.1]', 'no-at-sign', '@example.org', 'a@b@example.org', 'a@example.org.', 'A@EXAMPLE.ORG',
];

describe('mailboxValue', () => {
  it('is nodemailer\'s encoding wherever it answers, and answers the common cases', () => {
    let answered = 0;
    for (const name of NAMES) {
      for (const address of ADDRESSES) {
        const v = mailboxValue({ name, address });
        if (v === undefined) continue;
        answered++;
        expect(v, `${JSON.stringify(name)} ${address}`).toBe(encoder.encodeHeaderValue('To', { name, address }));
      }
    }
    expect(answered).toBeGreaterThan(100);
    for (const [name, address] of [['Test Person 1', 'm-1@bench.example.org'], ['김테스트', 'kim@test.example.org'], ['Doe, "Test" Person', 'doe@Test.Example.org'], ['Zoë', 'z@xn--jgeva-dua.ee']] as const) {
      expect(mailboxValue({ name, address }), name).toBeDefined();
    }
    // Outside the fast path: no name, control characters, addresses that need nodemailer's normalization.
    for (const [name, address] of [['', 'a@example.org'], ['tab\there', 'a@example.org'], ['x', 'user@jõgeva.ee'], ['x', '"q"@example.org'], ['x', 'a@[192.0.2.1]'], ['x', 'a..b@example.org']] as const) {
      expect(mailboxValue({ name, address }), `${name} ${address}`).toBeUndefined();
    }
  });
});
