import { describe, expect, it } from 'vitest';
import { createLogger, levelFromEnv } from './structured-logger.js';

describe('structured logger', () => {
  it('writes one JSON object per line, with severity, message, labels and bound fields', () => {
    const lines: string[] = [];
    const log = createLogger({
      write: (l) => lines.push(l),
      labels: { app: 'ingest' },
      now: () => new Date('2026-03-01T00:00:00Z'),
    });
    log.child({ file: 'gs://b/f' }).info('file ingested', { events: 3n, seconds: 1.5 });
    log.debug('dropped below INFO');
    const err = new Error('boom', { cause: new Error('socket hang up') });
    log.error('failed', { error: err });
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({
      severity: 'INFO',
      message: 'file ingested',
      time: '2026-03-01T00:00:00.000Z',
      file: 'gs://b/f',
      events: '3',
      seconds: 1.5,
      'logging.googleapis.com/labels': { app: 'ingest' },
    });
    const second = JSON.parse(lines[1]!);
    expect(second.severity).toBe('ERROR');
    expect(second.error.error).toBe('Error: boom');
    expect(second.error.causes).toEqual(['Error: socket hang up']);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  });

  it('survives fields it cannot serialise', () => {
    const lines: string[] = [];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    createLogger({ write: (l) => lines.push(l) }).warning('odd', { cyclic });
    expect(JSON.parse(lines[0]!)).toMatchObject({ severity: 'WARNING', message: 'odd' });
  });

  it('reads LOG_LEVEL', () => {
    expect(levelFromEnv('debug')).toBe('DEBUG');
    expect(levelFromEnv(undefined)).toBe('INFO');
    expect(levelFromEnv('loud')).toBe('INFO');
  });
});
