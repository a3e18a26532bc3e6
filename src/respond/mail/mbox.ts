/**
 * The mbox container (RFC 4155) in its mboxrd form: each message is a `From ` separator line,
 * the message with every line that matches `>*From ` quoted by one more `>`, and an empty line.
 * Unquoting (one `>` fewer on each line matching `>+From `) gives the message back byte for
 * byte, so a message read out of the container by its offset and length has the hash it had
 * when it was written. Lines end in CRLF like the messages' own (what SMTP sends): mutt,
 * Thunderbird and Python's `mailbox` read such a file.
 */

const CRLF = '\r\n';
const FROM = Buffer.from('From ', 'latin1');
const GT = 0x3e;
const LF = 0x0a;

/** The asctime form of `d` in UTC (`Thu Nov 20 01:02:03 2025`), as From_ lines carry it. */
function asctime(d: Date): string {
  // toUTCString: `Thu, 20 Nov 2025 01:02:03 GMT`
  const [wd, day, mon, year, time] = d.toUTCString().replace(',', '').split(' ') as [string, string, string, string, string];
  return `${wd} ${mon} ${day.replace(/^0/, ' ')} ${time} ${year}`;
}

/** The separator line before each message (`From <sender> <date>` and CRLF). */
export function mboxFromLine(sender: string, date: Date): string {
  return `From ${sender === '' || /\s/.test(sender) ? 'MAILER-DAEMON' : sender} ${asctime(date)}${CRLF}`;
}

/** What follows each message in the container: the empty line before the next separator. */
export const MBOX_TRAILER = CRLF;

/** Starts of the lines of `m` that match `>*From ` (the ones mboxrd quotes). */
function fromLines(m: Uint8Array): number[] {
  const at: number[] = [];
  const buf = Buffer.from(m.buffer, m.byteOffset, m.byteLength);
  for (let i = buf.indexOf(FROM); i >= 0; i = buf.indexOf(FROM, i + FROM.length)) {
    let s = i;
    while (s > 0 && buf[s - 1] === GT) s--;
    if (s === 0 || buf[s - 1] === LF) at.push(s);
  }
  return at;
}

/**
 * `m` as it is stored in an mboxrd file: `m` itself when no line needs quoting (a message
 * breachwatch composes never has one: its lines are headers, folded values and base64), else
 * a copy with a `>` before each such line.
 */
export function mboxrdQuote(m: Buffer): Buffer {
  const at = fromLines(m);
  if (at.length === 0) return m;
  const out = Buffer.allocUnsafe(m.length + at.length);
  let from = 0;
  let to = 0;
  for (const s of at) {
    to += m.copy(out, to, from, s);
    out[to++] = GT;
    from = s;
  }
  m.copy(out, to, from);
  return out;
}

/** The message stored as `stored` in an mboxrd file (the inverse of {@link mboxrdQuote}). */
export function mboxrdUnquote(stored: Buffer): Buffer {
  const at = fromLines(stored).filter((s) => stored[s] === GT);
  if (at.length === 0) return stored;
  const out = Buffer.allocUnsafe(stored.length - at.length);
  let from = 0;
  let to = 0;
  for (const s of at) {
    to += stored.copy(out, to, from, s);
    from = s + 1;
  }
  stored.copy(out, to, from);
  return out;
}
