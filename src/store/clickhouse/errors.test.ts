/**
 * Error codes read from messages of both server generations (18.16 writes
 * `Code: N, e.displayText() = …`, current releases `Code: N. DB::Exception: … (NAME)`), and
 * what of a message may be shown: its first clause, never the row or query it quotes.
 */
import { describe, expect, it } from 'vitest';
import { readFailure, storeError } from './errors.js';

const OLD = 'Code: 60, e.displayText() = DB::Exception: Table db.nope doesn\'t exist., e.what() = DB::Exception';
const NEW = "Code: 60. DB::Exception: Unknown table expression identifier 'db.nope' in scope SELECT * FROM db.nope. (UNKNOWN_TABLE) (version 26.7.2.1)";
const ROW = 'Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected , before: "m-100234","phone":"010-1234-5678"}, e.what() = DB::Exception';
const WRAPPED = 'Code: 60. DB::Exception: There was an error on [127.0.0.1:9000]: Code: 60. DB::Exception: Table d.x does not exist. (UNKNOWN_TABLE) (version 26.1)';

describe('readFailure', () => {
  it('reads the code and name from 18.16 and current messages', () => {
    expect(readFailure(new Error(OLD))).toEqual({ code: 60, name: 'UNKNOWN_TABLE', summary: "Table db.nope doesn't exist." });
    expect(readFailure(new Error(NEW))).toMatchObject({ code: 60, name: 'UNKNOWN_TABLE' });
    expect(readFailure(new Error(WRAPPED))).toEqual({ code: 60, name: 'UNKNOWN_TABLE', summary: 'Table d.x does not exist.' });
    expect(readFailure(new Error('Code: 193, e.displayText() = DB::Exception: Wrong password for user bw, e.what() = DB::Exception')))
      .toMatchObject({ code: 193, name: 'AUTHENTICATION_FAILED' });
    expect(readFailure(new Error('Code: 999. DB::Exception: odd. (ODD_THING)'))).toMatchObject({ code: 999, name: 'OTHER' });
  });

  it('keeps only the first clause, so a quoted row never reaches a message', () => {
    const f = readFailure(new Error(ROW));
    expect(f).toEqual({ code: 27, name: 'CANNOT_PARSE_INPUT', summary: 'Cannot parse input' });
    expect(storeError(new Error(ROW), 'loading', 'clickhouse://h:8123/db').message).not.toContain('010-1234');
  });

  it('names network failures by errno', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(readFailure(e)).toEqual({ code: undefined, name: 'OTHER', summary: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1' });
    expect(storeError(e, 'opening the store', 'clickhouse://127.0.0.1:1/db')).toMatchObject({
      code: 'ERR_STORE', message: 'opening the store on clickhouse://127.0.0.1:1/db failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1',
    });
  });
});
