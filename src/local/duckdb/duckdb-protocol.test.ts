import { describe, expect, it } from 'vitest';
import { BugError, PermanentFileError, TransientError, UserError } from '../../core/errors.js';
import { fromWire, toWire } from './duckdb-protocol.js';

describe('errors across the DuckDB worker thread', () => {
  it('keep their kind, and an operator error its hint and exit code', () => {
    const user = fromWire(
      structuredClone(toWire(new UserError('table has column x as VARCHAR', 'Rename that table', 2))),
    );
    expect(user).toBeInstanceOf(UserError);
    expect(user).toMatchObject({ message: 'table has column x as VARCHAR', hint: 'Rename that table', exitCode: 2 });
    expect(fromWire(toWire(new TransientError('busy')))).toBeInstanceOf(TransientError);
    expect(fromWire(toWire(new PermanentFileError('gone')))).toBeInstanceOf(PermanentFileError);
    expect(fromWire(toWire(new BugError('never')))).toBeInstanceOf(BugError);
    const plain = fromWire(toWire('a string thrown'));
    expect(plain).not.toBeInstanceOf(UserError);
    expect(plain.message).toBe('a string thrown');
  });
});
