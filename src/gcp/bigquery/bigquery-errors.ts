/** The numeric HTTP status a BigQuery client error carries, if any. */
export function errorCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** 409, or the emulator's 4xx/5xx saying the same in words. */
export function alreadyExists(err: unknown): boolean {
  return errorCode(err) === 409 || /already (exists|created)/i.test(errorText(err));
}

/** An error's message, or whatever was thrown as a string. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
