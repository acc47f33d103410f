/**
 * Reads what `--json` printed and checks it against the documented schema
 * (docs/json-output.schema.json) with a JSON Schema validator: every document the suite parses is
 * validated, so a shape that drifts from the docs fails the test that produced it.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

const schema = JSON.parse(
  readFileSync(new URL('../../docs/json-output.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** One document (`--json`), validated; or every line of an NDJSON stream with `lines`. */
export function parseJsonOutput<T = Record<string, unknown>>(stdout: string): T {
  const doc: unknown = JSON.parse(stdout);
  check(doc);
  return doc as T;
}

export function parseJsonLines<T = Record<string, unknown>>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const doc: unknown = JSON.parse(l);
      check(doc);
      return doc as T;
    });
}

function check(doc: unknown): void {
  if (!validate(doc))
    throw new Error(
      `--json output does not match docs/json-output.schema.json: ${JSON.stringify(validate.errors?.slice(0, 5))}`,
    );
}
