#!/usr/bin/env node
// Bundles the wizard: dist/ui/wizard-bundle.js is esbuild's bundle of dist/ui/run-wizard.js with Ink,
// React, @inkjs/ui and what they import, for a quick first screen (one file to load instead of
// ~300 modules; React's production build; Ink's one `throttle` instead of all of es-toolkit's
// compat library). Our own modules outside dist/ui/ (engine, core, ports) stay imports, so the
// wizard and the CLI share one copy of each. Two settings for the bundle alone, not the process:
// React's production build (`process.env.NODE_ENV` replaced at build time), and Ink told it is not
// in CI (the wizard opens only on a terminal where a person watches; Ink would otherwise draw only
// its last frame when the environment has CI set).
//
//   node scripts/build-wizard.js        (run by `npm run build`, after tsc)
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ui = join(root, 'dist', 'ui');
const outfile = join(ui, 'wizard-bundle.js');

/** Relative imports that leave dist/ui/ stay imports, rewritten for the bundle's place. */
const ownModulesOutside = {
  name: 'own-modules-outside-ui',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (!target.startsWith(join(root, 'dist') + sep) || target.startsWith(ui + sep)) return undefined;
      const spec = relative(dirname(outfile), target).split(sep).join('/');
      return { path: spec.startsWith('.') ? spec : `./${spec}`, external: true };
    });
    // Ink's React devtools (loaded when DEV is set; react-devtools-core is not a dependency): left out.
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      args.importer.includes(`${sep}ink${sep}`) ? { path: 'devtools', namespace: 'not-in-ci' } : undefined,
    );
    b.onResolve({ filter: /^is-in-ci$/ }, () => ({ path: 'is-in-ci', namespace: 'not-in-ci' }));
    b.onLoad({ filter: /.*/, namespace: 'not-in-ci' }, (args) => ({
      contents: args.path === 'devtools' ? 'export {};' : 'export default false;',
      loader: 'js',
    }));
  },
};

const result = await build({
  entryPoints: [join(ui, 'run-wizard.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Some of Ink's dependencies are CommonJS and call require(); ESM output gives them one.
  banner: {
    js: "import { createRequire as __abfRequire } from 'node:module'; const require = __abfRequire(import.meta.url);",
  },
  plugins: [ownModulesOutside],
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  JSON.stringify({ out: relative(root, outfile), inputs: Object.keys(result.metafile.inputs).length, bytes }),
);
