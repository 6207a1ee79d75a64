/**
 * Tracking API cache hits per second (`GET /api/tracking/<token>`, the view already in Redis: token
 * HMAC check + one Redis GET + the kit's middleware) beside a bare Express "hello" measured in the
 * same run, on loopback, each server in its own process. Goal (issue 5): at least 0.8 of hello.
 * Needs DATABASE_URL and REDIS_URL (or the engines state file of `scripts/engines up`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_TRACKING_SECONDS ?? 8);
const CONNECTIONS = 32;

interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
// autocannon ships no type declarations; load it as CommonJS with the small shape used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<LoadResult>;

function engines(): { databaseUrl: string; redisUrl: string } {
  let databaseUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    const file = `${process.env.VITRINE_STATE ?? `${homedir()}/.cache/vitrine/state`}/engines.env`;
    const text = readFileSync(file, 'utf8');
    databaseUrl ??= /DATABASE_URL=(\S+)/.exec(text)?.[1];
    redisUrl ??= /REDIS_URL=(\S+)/.exec(text)?.[1];
  }
  if (!databaseUrl || !redisUrl) throw new Error('bench/tracking needs DATABASE_URL and REDIS_URL (run `bash scripts/engines up`)');
  return { databaseUrl, redisUrl };
}

async function startChild(args: string[]): Promise<{ child: ChildProcess; port: number; token?: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'tracking-servers.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server ${args[0]} exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
  });
  const info = JSON.parse(line) as { port: number; token?: string };
  return { child, ...info };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function load(url: string, duration = SECONDS): Promise<LoadResult> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration, headers: { accept: 'application/json' } });
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`load on ${url} had ${result.errors} errors and ${result.non2xx} non-2xx answers`);
  return result;
}

/** Runs the benchmark. */
export async function run(): Promise<BenchRow[]> {
  const { databaseUrl, redisUrl } = engines();
  const children: ChildProcess[] = [];
  try {
    const start = async (args: string[]) => {
      const c = await startChild(args);
      children.push(c.child);
      return c;
    };
    const hello = await start(['hello']);
    const kit = await start(['kit-hello']);
    const local = await start(['shipping', databaseUrl, redisUrl, '1000']);
    const redis = await start(['shipping', databaseUrl, redisUrl, '0']);
    const urls = {
      hello: `http://127.0.0.1:${hello.port}/hello`,
      kit: `http://127.0.0.1:${kit.port}/hello`,
      local: `http://127.0.0.1:${local.port}/api/tracking/${local.token}`,
      redis: `http://127.0.0.1:${redis.port}/api/tracking/${redis.token}`,
    };
    // Warm-up (JIT, pools), then two alternating rounds so that drift in the machine's load hits all alike.
    for (const u of Object.values(urls)) await load(u, 2);
    const sum = { hello: 0, kit: 0, local: 0, redis: 0 };
    const p99 = { hello: 0, kit: 0, local: 0, redis: 0 };
    for (let round = 0; round < 2; round++) {
      for (const k of Object.keys(urls) as (keyof typeof urls)[]) {
        const r = await load(urls[k]);
        sum[k] += r.requests.average / 2;
        p99[k] = Math.max(p99[k], r.latency.p99);
      }
    }
    const baseline = `bare Express hello ${Math.round(sum.hello)} req/s`;
    return [
      { name: `tracking API cache hits/s, 1 s in-process copy + Redis (${CONNECTIONS} conns)`, value: Math.round(sum.local), unit: 'req/s', baseline, ratio: sum.local / sum.hello, goal: '≥ 0.8' },
      { name: `tracking API Redis cache hits/s, no in-process copy (${CONNECTIONS} conns)`, value: Math.round(sum.redis), unit: 'req/s', baseline, ratio: sum.redis / sum.hello },
      { name: 'kit service hello/s (helmet, correlation, metrics)', value: Math.round(sum.kit), unit: 'req/s', baseline, ratio: sum.kit / sum.hello },
      { name: 'tracking API cache-hit p99 (in-process copy)', value: p99.local, unit: 'ms', baseline: `hello p99 ${p99.hello} ms` },
    ];
  } finally {
    await Promise.all(children.map((c) => stopChild(c)));
  }
}
