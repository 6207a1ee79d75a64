/**
 * The floor every HTTP figure stands on: a node:http "hello" and a bare Express 5 "hello", each in
 * its own process on loopback, loaded the same way in the same run. The ratio says what Express
 * itself costs before any of our code runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { BenchRow } from './types.ts';

const SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 6);
const CONNECTIONS = 32;

interface LoadResult { requests: { average: number }; latency: { p99: number }; non2xx: number; errors: number }
// autocannon ships no type declarations; load it as CommonJS with the small shape used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<LoadResult>;

const SERVERS: Record<string, string> = {
  node: `
    const http = require('node:http');
    const s = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"hello":"world"}'); });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
  express: `
    const express = require('express');
    const app = express();
    app.get('/', (req, res) => res.json({ hello: 'world' }));
    const s = app.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
};

async function serve(kind: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', SERVERS[kind]!], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} hello exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
  });
  return { child, port: Number(line) };
}

async function measure(kind: string): Promise<LoadResult> {
  const { child, port } = await serve(kind);
  try {
    await autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, duration: 1 }); // warm-up
    const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, duration: SECONDS });
    if (r.errors > 0 || r.non2xx > 0) throw new Error(`${kind} hello: ${r.errors} errors, ${r.non2xx} non-2xx`);
    return r;
  } finally {
    child.kill('SIGTERM');
  }
}

/** node:http hello and bare Express hello, req/s. */
export async function run(): Promise<BenchRow[]> {
  const node = await measure('node');
  const express = await measure('express');
  return [
    { name: 'node:http hello', value: Math.round(node.requests.average), unit: 'req/s' },
    { name: 'bare Express 5 hello', value: Math.round(express.requests.average), unit: 'req/s', baseline: 'node:http hello', ratio: express.requests.average / node.requests.average },
  ];
}
