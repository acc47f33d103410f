#!/usr/bin/env node
// Serves the built function (build/function, from scripts/build-function.js) on this machine, for
// local runs against the emulators or, with the operator's credentials, real services. So it binds
// 127.0.0.1 unless HOST says otherwise, on PORT (default 8080). A request that is not a POST (a
// browser's GET /) gets 405 and one line saying what the function takes, not a stack trace.
//
//   node scripts/serve-function.js [ingest|promote]      (npm run serve:function)
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = process.argv[2] ?? 'ingest';
if (!['ingest', 'promote'].includes(target)) {
  console.error(`serve-function: unknown entry point "${target}" (ingest or promote)`);
  process.exit(2);
}
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const source = process.env.FUNCTION_SOURCE ?? join(root, 'build', 'function');

// The entry reads which one it serves (its configuration depends on it) as Cloud Run functions say it.
process.env.FUNCTION_TARGET = target;
// The built entry registers both entry points with the framework; its testing module hands back
// the server for one of them, not yet listening, so the address is ours to choose.
await import(pathToFileURL(join(source, 'function', 'index.js')).href);
// The framework the entry registered with: the one its folder resolves (its own node_modules when
// installed as Cloud Build installs it, else this repository's).
const testing = createRequire(join(source, 'package.json')).resolve('@google-cloud/functions-framework/testing');
const { getTestServer } = await import(pathToFileURL(testing).href);
const server = getTestServer(target);
const framework = server.listeners('request');
server.removeAllListeners('request');
server.on('request', (req, res) => {
  if (req.method === 'POST') {
    for (const listener of framework) listener.call(server, req, res);
    return;
  }
  res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain; charset=utf-8' });
  res.end(
    target === 'ingest'
      ? 'The ingest function takes a POST of a CloudEvent or a Pub/Sub push of a Cloud Storage notification (docs/function.md).\n'
      : 'The promote entry takes a POST (Cloud Scheduler, every minute; docs/exactly-once.md).\n',
  );
});
// npm passes SIGTERM and SIGINT on (the script execs node): close and go.
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
server.listen(port, host, () => {
  const a = server.address();
  console.log(`serve-function: ${target} on http://${a.address}:${a.port}/ (HOST and PORT change it)`);
});
