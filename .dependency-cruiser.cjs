// The layers of src/, inner to outer, and what each may import (README, "Layout"). `npm run lint`
// fails on an import that points outward, on any cycle, and on src/ importing test helpers.
//   core      pure logic: imports only core
//   ports     the interfaces (source, publisher, warehouse, cloud): core
//   writers   the commit machinery adapters share (groups of files, per-file commits, row bytes): core, ports
//   engine    the backfill (plan, run, run record): core, ports, writers
//   local     adapters on this machine (folder, DuckDB): core, ports, writers
//   gcp       adapters on Google Cloud (GCS, BigQuery, Pub/Sub): core, ports, writers
//   app       the one composition root (opens source, warehouse, publisher for a request): all of the above
//   function  the Cloud Function's shell: core, ports, engine, gcp
//   ui        the wizard (Ink), driven by the deps it is given: core, ports, engine
//   cli       the command line: everything but adapters directly (it goes through app)
//   demo      a sample bucket and a scripted run: core, cli
//
// Inside a layer, its sub-folders (one concept each) have their own order, inner to outer:
//   core/     its root (errors, calendar, text limits) < present, schema < layout (present)
//             < columns (schema) < parse (columns, schema, layout)
//   local/    duckdb and folder know nothing of each other
//   gcp/      bigquery knows nothing of the GCS and Pub/Sub adapters beside it (emulator-auth.ts aside)
//   ui/       model (pure helpers) < hooks < components < steps < the wizard at ui/'s root
const layer = (name, allowed) => ({
  name: `${name}-imports-outward`,
  comment: `src/${name}/ may import only ${allowed.join(', ')}`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: [`^src/(${[name, ...allowed].join('|')})/`] },
});

/** Files under src/{parent}/{name}/ may import, inside src/{parent}/, only their own folder and `allowed`. */
const folder = (parent, name, allowed) => ({
  name: `${parent}-${name}-imports-outward`,
  comment: `src/${parent}/${name}/ may import only ${['its own folder', ...allowed].join(', ')} in src/${parent}/`,
  severity: 'error',
  from: { path: `^src/${parent}/${name}/` },
  to: {
    path: `^src/${parent}/`,
    pathNot: [
      `^src/${parent}/(${[name, ...allowed.filter((a) => a !== '.' && !a.endsWith('.ts'))].join('|')})/`,
      ...(allowed.includes('.') ? [`^src/${parent}/[^/]+$`] : []),
      ...allowed.filter((a) => a.endsWith('.ts')).map((file) => `^src/${parent}/${file}$`),
    ],
  },
});
/** Files at the root of src/{parent}/ that sit below its sub-folders. */
const rootBelow = (parent) => ({
  name: `${parent}-root-imports-sub-folder`,
  comment: `the files at src/${parent}/'s root are its innermost: they import none of its sub-folders`,
  severity: 'error',
  from: { path: `^src/${parent}/[^/]+$` },
  to: { path: `^src/${parent}/[^/]+/` },
});

module.exports = {
  forbidden: [
    layer('core', []),
    layer('ports', ['core']),
    layer('writers', ['core', 'ports']),
    layer('engine', ['core', 'ports', 'writers']),
    layer('local', ['core', 'ports', 'writers']),
    layer('gcp', ['core', 'ports', 'writers']),
    layer('app', ['core', 'ports', 'writers', 'engine', 'local', 'gcp']),
    layer('function', ['core', 'ports', 'writers', 'engine', 'gcp']),
    layer('ui', ['core', 'ports', 'engine']),
    layer('cli', ['core', 'ports', 'engine', 'app', 'ui']),
    layer('demo', ['core', 'cli']),
    rootBelow('core'),
    folder('core', 'present', ['.']),
    folder('core', 'schema', ['.']),
    folder('core', 'layout', ['.', 'present']),
    folder('core', 'columns', ['.', 'schema']),
    folder('core', 'parse', ['.', 'columns', 'schema', 'layout']),
    folder('local', 'duckdb', []),
    folder('local', 'folder', []),
    folder('gcp', 'bigquery', ['emulator-auth.ts']),
    folder('ui', 'model', []),
    folder('ui', 'hooks', ['model']),
    folder('ui', 'components', ['model', 'hooks']),
    folder('ui', 'steps', ['model', 'hooks', 'components']),
    {
      name: 'no-cycles',
      comment: 'modules import each other in a circle',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-imports-test-helpers',
      comment: 'test helpers live under test/ and never ship in dist/',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    // Tests may reach across layers to build what they check (a CLI test opening DuckDB, say).
    exclude: { path: '\\.test\\.tsx?$' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
