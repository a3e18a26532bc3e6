/**
 * Reference data the platform would hand an investigator: the staff roster (contract §4) and
 * the key registry (contract §3). The roster is the same in every scenario, so a detector
 * cannot learn the scenario from it.
 */
import { DAY } from '../model/index.js';

/** One member of staff, as written to staff.csv. */
export interface StaffRow {
  readonly staff_id: string;
  readonly team: string;
  readonly role: string;
  readonly joined: string;
  readonly left: string;
}

/** The auth developer who kept sig-2019-01 after leaving. */
export const DEPARTED_CUSTODIAN = 's-0042';
/** Platform engineer, the other custodian of sig-2019-01 (still employed). */
export const CUSTODIAN = 's-0107';
/** Data-team analyst who, in `insider-console`, abuses the support console. */
export const INSIDER = 's-0318';
/** The key that signs customer tokens (never rotated). */
export const CUSTOMER_KID = 'sig-2019-01';
/** The newer KMS key; only the staff console was migrated to it. */
export const CONSOLE_KID = 'sig-2024-07';

const TEAMS: readonly [string, string][] = [
  ['auth', 'backend-engineer'], ['platform', 'sre'], ['security', 'security-engineer'], ['data', 'analyst'],
  ['marketing', 'marketer'], ['logistics', 'operations'], ['finance', 'accountant'], ['design', 'designer'],
];

function day(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** Support agent ids: s-0400, s-0401, … */
export function supportAgentIds(count: number): string[] {
  return Array.from({ length: count }, (_, k) => 's-' + String(400 + k).padStart(4, '0'));
}

/** Support team size for a customer base. */
export function supportTeamSize(accounts: number): number {
  return Math.max(3, Math.min(400, Math.round(accounts / 4000)));
}

/** The roster. `start` (epoch ms) is the simulation start; the custodian left well before it. */
export function staffRoster(start: number, accounts: number): StaffRow[] {
  const departed = Math.min(Date.parse('2024-12-20T00:00:00Z'), start - 60 * DAY);
  const rows: StaffRow[] = [];
  for (let k = 1; k < 400; k++) {
    const id = 's-' + String(k).padStart(4, '0');
    const [team, role] = TEAMS[k % TEAMS.length] ?? ['platform', 'sre'];
    // Some people left over the years (every 11th, between 2021 and 2023).
    const left = k % 11 === 0 ? day(Date.parse('2021-01-15T00:00:00Z') + (k % 900) * DAY) : '';
    let row: StaffRow = { staff_id: id, team, role, joined: day(Date.parse('2016-03-02T00:00:00Z') + k * 7 * DAY), left };
    if (id === 's-0011') row = { ...row, team: 'auth', role: 'backend-engineer' };
    if (id === DEPARTED_CUSTODIAN) row = { ...row, team: 'auth', role: 'backend-engineer', left: day(departed) };
    if (id === CUSTODIAN) row = { ...row, team: 'platform', role: 'sre', left: '' };
    if (id === INSIDER) row = { ...row, team: 'data', role: 'analyst', left: '' };
    if (id === 's-0150') row = { ...row, team: 'security', role: 'security-engineer', left: '' };
    rows.push(row);
  }
  supportAgentIds(supportTeamSize(accounts)).forEach((id, k) => {
    rows.push({ staff_id: id, team: 'cs', role: k % 15 === 0 ? 'lead' : 'agent', joined: day(Date.parse('2022-01-10T00:00:00Z') + k * 3 * DAY), left: '' });
  });
  return rows;
}

/** staff.csv text. */
export function staffCsv(rows: readonly StaffRow[]): string {
  return 'staff_id,team,role,joined,left\n' + rows.map((s) => `${s.staff_id},${s.team},${s.role},${s.joined},${s.left}`).join('\n') + '\n';
}

/**
 * keys.json object: the never-rotated file key, the KMS key and a retired predecessor.
 * With `hygienic` (the benign scenario: a well-run platform, so that only traffic is judged),
 * the customer and console keys were re-provisioned into KMS in January 2025 under the same
 * kids, with custodians who are still employed; the registry otherwise stays the same.
 */
export function keyRegistry(hygienic = false): { keys: Record<string, unknown>[] } {
  const customerKey = hygienic
    ? { created: '2025-01-06T00:00:00Z', activated: '2025-01-08T00:00:00Z', storage: 'kms', custodians: [CUSTODIAN, 's-0150'] }
    : { created: '2019-03-02T00:00:00Z', activated: '2019-03-05T00:00:00Z', storage: 'file', custodians: [DEPARTED_CUSTODIAN, CUSTODIAN] };
  return {
    keys: [
      {
        kid: 'sig-2017-02', alg: 'RS256', created: '2017-02-10T00:00:00Z', activated: '2017-02-14T00:00:00Z',
        retired: '2019-03-05T00:00:00Z', revoked: null, storage: 'file', max_token_ttl_s: 7200, custodians: ['s-0011', DEPARTED_CUSTODIAN],
      },
      {
        kid: CUSTOMER_KID, alg: 'ES256', created: customerKey.created, activated: customerKey.activated,
        retired: null, revoked: null, storage: customerKey.storage, max_token_ttl_s: 3600, custodians: customerKey.custodians,
      },
      {
        kid: CONSOLE_KID, alg: 'ES256', created: hygienic ? '2025-01-06T00:00:00Z' : '2024-07-08T00:00:00Z',
        activated: hygienic ? '2025-01-08T00:00:00Z' : '2024-07-15T00:00:00Z',
        retired: null, revoked: null, storage: 'kms', max_token_ttl_s: 3600, custodians: [CUSTODIAN, 's-0150'],
      },
    ],
  };
}
