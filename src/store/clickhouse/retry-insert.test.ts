/**
 * Which failures an insert is sent again for: those that end a connection or say "later",
 * never those about the rows or the statement (the retry itself is tested against a real
 * server behind a resetting proxy, test/store/clickhouse-retry.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { isTransient } from './retry-insert.js';

const err = (message: string, code?: string): Error => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('isTransient', () => {
  it('retries a reset, refused or broken connection, a gateway error, too many parts or queries', () => {
    expect(isTransient(err('socket hang up', 'ECONNRESET'))).toBe(true);
    expect(isTransient(err('write EPIPE', 'EPIPE'))).toBe(true);
    expect(isTransient(err('connect ECONNREFUSED 127.0.0.1:8123', 'ECONNREFUSED'))).toBe(true);
    expect(isTransient(err('Unexpected status 503: Service Unavailable'))).toBe(true);
    expect(isTransient(err('Code: 252, e.displayText() = DB::Exception: Too many parts (300). Merges are processing significantly slower than inserts'))).toBe(true);
    expect(isTransient(err('Code: 202. DB::Exception: Too many simultaneous queries. (TOO_MANY_SIMULTANEOUS_QUERIES)'))).toBe(true);
  });

  it('does not retry what is about the rows, the statement or the login', () => {
    expect(isTransient(err('Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected , before: "m-1"'))).toBe(false);
    expect(isTransient(err("Code: 60, e.displayText() = DB::Exception: Table db.alerts doesn't exist., e.what() = DB::Exception"))).toBe(false);
    expect(isTransient(err('Code: 193, e.displayText() = DB::Exception: Wrong password for user bw'))).toBe(false);
    // a server error whose text happens to hold 503 is still the server's verdict
    expect(isTransient(err('Code: 62. DB::Exception: Syntax error at 503. (SYNTAX_ERROR)'))).toBe(false);
    expect(isTransient(err('insert abandoned'))).toBe(false);
  });
});
