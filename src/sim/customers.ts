/**
 * customers.csv (contract §6): synthetic names, emails (reserved example domains) and phone
 * numbers from unassigned ranges, written in chunks so millions of rows stay cheap.
 */
import { ChunkFile } from './output.js';
import { accountId } from './population.js';
import { hex8, permute32 } from './rng.js';

const KO_FAMILY = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오', '서', '신', '권', '황'];
const KO_GIVEN = ['민', '서', '지', '현', '우', '준', '하', '윤', '수', '영', '은', '도', '예', '진', '연', '아', '성', '재', '유', '호'];
const EN_FIRST = ['Alex', 'Jamie', 'Sam', 'Taylor', 'Jordan', 'Morgan', 'Casey', 'Riley', 'Avery', 'Quinn', 'Drew', 'Robin'];
const EN_LAST = ['Kim', 'Lee', 'Park', 'Smith', 'Brown', 'Nguyen', 'Garcia', 'Miller', 'Wilson', 'Moore', 'Clark', 'Lewis'];
const DOMAINS = ['example.com', 'example.net', 'example.org'];

function at<T>(xs: readonly T[], i: number): T {
  return xs[i % xs.length] as T;
}

/** One CSV row for account index `i`; `key` varies the synthetic identities by seed. */
export function customerRow(i: number, key: number): string {
  const h = permute32(i, key);
  const en = h % 100 < 8;
  const name = en
    ? `${at(EN_FIRST, h >>> 3)} ${at(EN_LAST, h >>> 9)}`
    : `${at(KO_FAMILY, h >>> 3)}${at(KO_GIVEN, h >>> 8)}${at(KO_GIVEN, h >>> 14)}`;
  const email = `user${hex8(h).slice(2)}${i.toString(36)}@${at(DOMAINS, h >>> 20)}`;
  // 010-0xxx-xxxx is not assigned to subscribers; 555-01xx is reserved for fiction.
  const phone = en
    ? `+1-555-01${String(h % 100).padStart(2, '0')}`
    : `010-0${String((h >>> 4) % 1000).padStart(3, '0')}-${String(i % 10000).padStart(4, '0')}`;
  return `${accountId(i)},${name},${email},${phone},${en ? 'en' : 'ko'}\n`;
}

/** Writes customers.csv for `n` accounts. */
export async function writeCustomers(path: string, n: number, key: number): Promise<void> {
  const f = new ChunkFile(path, false);
  let s = 'account_id,name,email,phone,locale\n';
  for (let i = 0; i < n; i++) {
    s += customerRow(i, key);
    if ((i & 16383) === 16383) {
      await f.append(s);
      s = '';
    }
  }
  await f.append(s);
  await f.close();
}
