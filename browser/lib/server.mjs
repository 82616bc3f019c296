// Starts the real `aduan` binary on a free loopback port with a fresh data directory and
// the demo data, waits for GET /readyz, and stops it again.
//
// ADUAN_BINARY names the binary (default: target/debug/aduan of this workspace).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A free TCP port on 127.0.0.1 (the OS picks it; the binary binds it right after). */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function waitReady(base, child, logPath, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`aduan exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(logPath)}`);
    }
    try {
      const r = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((ok) => setTimeout(ok, 150));
  }
  throw new Error(`aduan not ready after ${timeoutMs} ms (last: ${last}):\n${tail(logPath)}`);
}

function tail(path, lines = 30) {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts `aduan serve --demo` and resolves once /readyz answers 200.
 * Returns { base, dataDir, logPath, stop() }.
 */
export async function startServer({ binary = process.env.ADUAN_BINARY, timeoutMs = 120_000 } = {}) {
  const bin = resolve(ROOT, binary || 'target/debug/aduan');
  if (!existsSync(bin)) throw new Error(`no aduan binary at ${bin} (cargo build -p aduan)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'aduan-browser-'));
  const logPath = join(dataDir, 'serve.log');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = openSync(logPath, 'a');
  const child = spawn(
    bin,
    ['serve', '--demo', '--no-jobs', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`],
    {
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        // Every test files and signs in from 127.0.0.1: no per-address limits here.
        ADUAN_RATE_FILE_PER_MINUTE: '0',
        ADUAN_RATE_SIGN_IN_PER_MINUTE: '0',
        RUST_LOG: process.env.RUST_LOG || 'warn',
      },
    },
  );
  closeSync(log);
  const exited = new Promise((ok) => child.once('exit', ok));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (!process.env.ADUAN_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  };
  // Never leave the server behind, whatever happens to this process.
  process.once('exit', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  try {
    await waitReady(base, child, logPath, timeoutMs);
  } catch (e) {
    await stop();
    throw e;
  }
  return { base, dataDir, logPath, stop, log: () => tail(logPath, 200) };
}
