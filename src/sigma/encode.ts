/**
 * Value transformations of the modifiers appendix: `windash`, the UTF-16 encodings, `base64`
 * and `base64offset`. Each returns the strings an event would contain.
 */

/** Dash-like characters `windash` interchanges. */
const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const MAX_VARIANTS = 3125; // five flags

/**
 * Every variant of `value` where each dash-like character that starts a word (a command-line flag)
 * is replaced by each of `- / – — ―`. Returns undefined when there would be too many variants.
 */
export function windash(value: string): string[] | undefined {
  const at: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (DASHES.includes(value[i]!) && (i === 0 || /\s/.test(value[i - 1]!))) at.push(i);
  }
  if (DASHES.length ** at.length > MAX_VARIANTS) return undefined;
  let out = [value];
  for (const i of at) {
    out = out.flatMap((v) => DASHES.map((d) => v.slice(0, i) + d + v.slice(i + 1)));
  }
  return [...new Set(out)];
}

/** Text encodings that may precede base64. */
export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be' | 'utf16';

/** Bytes of `value` in the encoding (`utf16` = little-endian with a byte-order mark). */
export function encodeText(value: string, enc: TextEncoding): Buffer {
  if (enc === 'utf8') return Buffer.from(value, 'utf8');
  const le = Buffer.from(value, 'utf16le');
  if (enc === 'utf16le') return le;
  if (enc === 'utf16') return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) { be[i] = le[i + 1]!; be[i + 1] = le[i]!; }
  return be;
}

/** `base64`: the plain encoding. */
export function base64(bytes: Buffer): string {
  return bytes.toString('base64');
}

/**
 * `base64offset`: the three encodings of `bytes` at offsets 0, 1 and 2 inside a longer base64
 * text, trimmed to the characters that do not depend on the neighbouring bytes.
 */
export function base64offset(bytes: Buffer): string[] {
  const out: string[] = [];
  const startCut = [0, 2, 3];
  const endCut = [0, -3, -2];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i), bytes]).toString('base64');
    const cut = endCut[(bytes.length + i) % 3]!;
    out.push(enc.slice(startCut[i], cut === 0 ? undefined : cut));
  }
  return out.filter((s) => s.length > 0);
}
