// Lets a worker thread that code under test starts run the TypeScript sources, as the test
// process itself does through Vitest: `vitest.config.ts` passes this file to Node with `--import`,
// and worker threads inherit that. A `./x.js` import that does not exist beside a `.ts` module
// loads `./x.ts`, its types stripped by Node (`module.stripTypeScriptTypes`). Production code
// stays unaware: the DuckDB warehouse always starts `./duckdb-worker.js` beside itself.
import { existsSync, readFileSync } from 'node:fs';
import { registerHooks, stripTypeScriptTypes } from 'node:module';
import { fileURLToPath } from 'node:url';

const ownSource = (url) => url.startsWith('file:') && url.endsWith('.ts') && !url.includes('/node_modules/');

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.endsWith('.js')) throw error;
      const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL ?? 'file:///').href;
      if (!ownSource(ts) || !existsSync(fileURLToPath(ts))) throw error;
      return { url: ts, format: 'module', shortCircuit: true };
    }
  },
  load(url, context, nextLoad) {
    if (!ownSource(url)) return nextLoad(url, context);
    const text = readFileSync(fileURLToPath(url), 'utf8');
    return {
      format: 'module',
      source: stripTypeScriptTypes(text, { mode: 'transform', sourceUrl: url }),
      shortCircuit: true,
    };
  },
});
