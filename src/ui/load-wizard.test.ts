import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// load-wizard.ts points Ink's one import of `es-toolkit/compat` at the file that defines `throttle`
// (~150 ms off the wizard's first screen). These fail loudly when an update of Ink or es-toolkit
// changes what that redirect relies on, instead of the wizard failing at start-up.
const require = createRequire(import.meta.url);
const inkBuild = dirname(require.resolve('ink'));

describe('the wizard start-up redirect', () => {
  it('Ink imports only `throttle` from es-toolkit/compat', () => {
    const imports = readdirSync(inkBuild, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => readFileSync(join(inkBuild, f), 'utf8').match(/import[^;]*from '(es-toolkit[^']*)'/g) ?? []);
    expect(imports).toEqual(["import { throttle } from 'es-toolkit/compat'"]);
  });

  it('the file the redirect loads exports the same throttle', async () => {
    const fromInk = createRequire(join(inkBuild, 'ink.js'));
    const entry = pathToFileURL(fromInk.resolve('es-toolkit/compat/throttle'));
    const target = (await import(new URL('../dist/compat/function/throttle.mjs', entry).href)) as {
      throttle?: unknown;
    };
    const whole = (await import('es-toolkit/compat')) as { throttle?: unknown };
    expect(typeof target.throttle).toBe('function');
    expect(String(target.throttle)).toBe(String(whole.throttle));
  });
});
