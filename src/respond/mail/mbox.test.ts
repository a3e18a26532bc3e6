/**
 * The mboxrd container: a line matching `>*From ` gets one more `>`, unquoting gives every
 * message back byte for byte (whatever its `From ` and `>From ` lines), a message without
 * such a line is stored as it is, and the separator line has the asctime date in UTC.
 */
import { describe, expect, it } from 'vitest';
import { mboxFromLine, mboxrdQuote, mboxrdUnquote } from './mbox.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('mboxrd', () => {
  it('quotes exactly the lines that match >*From and unquotes them back', () => {
    const m = 'Subject: x\r\n\r\nFrom here\r\n>From there\r\n>>From afar\r\n From not\r\nXFrom no\r\nFrom: no\r\nend From \r\nFrom ';
    const q = mboxrdQuote(b(m)).toString('latin1');
    expect(q).toBe('Subject: x\r\n\r\n>From here\r\n>>From there\r\n>>>From afar\r\n From not\r\nXFrom no\r\nFrom: no\r\nend From \r\n>From ');
    expect(mboxrdUnquote(b(q)).toString('latin1')).toBe(m);
    // A message starting with such a line is quoted too.
    expect(mboxrdQuote(b('From x\r\n')).toString('latin1')).toBe('>From x\r\n');
  });

  it('round-trips every arrangement of From and > at line starts', () => {
    const pieces = ['From ', '>', '>From ', 'a', '\r\n', '\n', ' '];
    for (let seed = 0; seed < 3000; seed++) {
      let s = '';
      for (let k = seed, i = 0; i < 8; i++, k = Math.floor(k / 7) + i * 13) s += pieces[k % pieces.length]!;
      expect(mboxrdUnquote(mboxrdQuote(b(s))).toString('latin1'), JSON.stringify(s)).toBe(s);
      // No stored line starts with "From " (only separators do).
      expect(/(^|\n)From /.test(mboxrdQuote(b(s)).toString('latin1')), JSON.stringify(s)).toBe(false);
    }
  });

  it('stores a message without such lines as it is, and dates the separator in UTC asctime', () => {
    const m = b('Content-Type: text/plain\r\n\r\nRnJvbSBoZXJl\r\n');
    expect(mboxrdQuote(m)).toBe(m);
    expect(mboxFromLine('privacy@notice.example.com', new Date('2025-11-02T01:02:03Z'))).toBe('From privacy@notice.example.com Sun Nov  2 01:02:03 2025\r\n');
    expect(mboxFromLine('', new Date('2025-11-20T23:59:59Z'))).toBe('From MAILER-DAEMON Thu Nov 20 23:59:59 2025\r\n');
  });
});
