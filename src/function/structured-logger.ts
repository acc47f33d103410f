/**
 * One JSON object per line on stdout, as Cloud Logging reads them from Cloud Run functions:
 * `severity` and `message` are lifted into the log entry, `logging.googleapis.com/labels` become
 * entry labels, and every other field lands in `jsonPayload`. An error's stack goes in
 * `stack_trace`, which Error Reporting picks up.
 */

export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  notice(message: string, fields?: LogFields): void;
  warning(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose every entry also carries `fields` (e.g. the file being ingested). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Where each line goes; default stdout. */
  write?: (line: string) => void;
  /** Entries below this are dropped (default INFO; `LOG_LEVEL=DEBUG` shows everything). */
  level?: Severity;
  /** Labels on every entry. */
  labels?: Record<string, string>;
  now?: () => Date;
}

const ORDER: Record<Severity, number> = { DEBUG: 100, INFO: 200, NOTICE: 300, WARNING: 400, ERROR: 500, CRITICAL: 600 };

/** An error as plain fields: name, message, code, and its cause chain. */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const out: LogFields = { error: `${error.name}: ${error.message}` };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.error_code = code;
  if (error.stack) out.stack_trace = error.stack;
  const causes: string[] = [];
  let cause: unknown = error.cause;
  for (let i = 0; cause !== undefined && i < 5; i++) {
    causes.push(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (causes.length > 0) out.causes = causes;
  return out;
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return errorFields(value);
  return value;
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const min = ORDER[options.level ?? 'INFO'];
  const now = options.now ?? (() => new Date());
  const emit = (severity: Severity, message: string, fields?: LogFields) => {
    if (ORDER[severity] < min) return;
    const entry: LogFields = { severity, message, time: now().toISOString(), ...bound, ...fields };
    if (options.labels) entry['logging.googleapis.com/labels'] = options.labels;
    let line: string;
    try {
      line = JSON.stringify(entry, replacer);
    } catch {
      line = JSON.stringify({ severity, message, time: entry.time, note: 'fields could not be serialised' });
    }
    write(line);
  };
  return {
    debug: (m, f) => emit('DEBUG', m, f),
    info: (m, f) => emit('INFO', m, f),
    notice: (m, f) => emit('NOTICE', m, f),
    warning: (m, f) => emit('WARNING', m, f),
    error: (m, f) => emit('ERROR', m, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** `LOG_LEVEL` as a severity; unknown values mean INFO. */
export function levelFromEnv(value: string | undefined): Severity {
  const v = (value ?? '').toUpperCase();
  return v in ORDER ? (v as Severity) : 'INFO';
}
