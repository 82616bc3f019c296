// Runs the browser tests against one aduan server: starts it (fresh data dir, --demo),
// runs `node --test` on tests/*.test.mjs (or the files named) with ADUAN_BASE_URL set,
// then stops it (screenshots.test.mjs starts one of its own, for pages showing only the
// demo data). Exit code: the test runner's.
//
// Usage: node run.mjs [test files…]   (ADUAN_BINARY: the binary, default target/debug/aduan;
//        BROWSER_TEST_CONCURRENCY: test files run at once, default 1)

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './lib/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const files = process.argv.slice(2).length
  ? process.argv.slice(2).map((f) => resolve(f))
  : readdirSync(join(here, 'tests'))
      .filter((f) => f.endsWith('.test.mjs'))
      .sort()
      .map((f) => join(here, 'tests', f));

const started = Date.now();
const server = await startServer();
console.log(`# aduan ready at ${server.base} in ${((Date.now() - started) / 1000).toFixed(1)} s (data: ${server.dataDir})`);

const concurrency = process.env.BROWSER_TEST_CONCURRENCY || '1';
const child = spawn(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000', '--test-reporter=spec', ...files],
  { cwd: here, stdio: 'inherit', env: { ...process.env, ADUAN_BASE_URL: server.base } },
);
const stopChild = (signal) => child.kill(signal);
process.on('SIGINT', stopChild);
process.on('SIGTERM', stopChild);
const code = await new Promise((ok) => child.on('exit', (c, s) => ok(c ?? (s ? 1 : 0))));

if (code !== 0) {
  const log = server.log().trim();
  if (log) console.log(`# last lines of the server's log:\n${log.split('\n').slice(-40).map((l) => `#   ${l}`).join('\n')}`);
}
await server.stop();
console.log(`# browser tests finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(code);
