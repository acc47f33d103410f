// The layers of src/, inner to outer, and what each may import (README, "Layout"). `npm run lint`
// fails on an import that points outward, on any cycle, and on src/ importing test helpers.
//   core      pure logic: imports only core
//   ports     the interfaces (source, publisher, warehouse, cloud) and their shared helpers: core
//   engine    the backfill (plan, run, run record): core, ports
//   local     adapters on this machine (folder, DuckDB): core, ports
//   gcp       adapters on Google Cloud (GCS, BigQuery, Pub/Sub): core, ports
//   app       the one composition root (opens source, warehouse, publisher for a request): all of the above
//   function  the Cloud Function's shell: core, ports, engine, gcp
//   ui        the wizard (Ink), driven by the deps it is given: core, ports, engine
//   cli       the command line: everything but adapters directly (it goes through app)
//   demo      a sample bucket and a scripted run: core, cli
const layer = (name, allowed) => ({
  name: `${name}-imports-outward`,
  comment: `src/${name}/ may import only ${allowed.join(', ')}`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: [`^src/(${[name, ...allowed].join('|')})/`] },
});

module.exports = {
  forbidden: [
    layer('core', []),
    layer('ports', ['core']),
    layer('engine', ['core', 'ports']),
    layer('local', ['core', 'ports']),
    layer('gcp', ['core', 'ports']),
    layer('app', ['core', 'ports', 'engine', 'local', 'gcp']),
    layer('function', ['core', 'ports', 'engine', 'gcp']),
    layer('ui', ['core', 'ports', 'engine']),
    layer('cli', ['core', 'ports', 'engine', 'app', 'ui']),
    layer('demo', ['core', 'cli']),
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
