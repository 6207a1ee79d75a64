/**
 * Gateway overhead: the tracking API (`GET /api/tracking/<token>`) requested directly from a
 * stand-in upstream and through the gateway (WAF, routing, rate limit, proxy), in the same run, on
 * loopback, each server in its own process. Measured: the highest throughput each path sustains
 * (ratio gateway/direct, goal ≥ 0.5), the latency at a fixed 1,000 req/s (the p99 the gateway
 * adds), and the CPU time the gateway spends per request. The upstream is the real shipping service
 * (PostgreSQL + Redis, view cached, started by bench/tracking-servers.ts) when DATABASE_URL and
 * REDIS_URL are set, else a stand-in on the kit's Express app; a bare node:http upstream gives the
 * worst-case ratio. With REDIS_URL the gateway's rate limits count in Redis too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const THROUGHPUT_SECONDS = 8;
const FIXED_RATE_SECONDS = 10;
const FIXED_RATE = 1_000;
const CLOCK_TICKS_PER_SECOND = 100;

interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<LoadResult>;
// autocannon ships no type declarations; load it as CommonJS with the small shape used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Child { readonly process: ChildProcess; readonly port: number; readonly info: Record<string, unknown> }

async function startChild(args: string[], script = 'gateway-servers.ts'): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'], env: process.env,
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server ${args[0]} exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
  });
  // Keep draining: a child blocked on a full stdout pipe would measure the pipe, not the server.
  child.stdout?.resume();
  const info = JSON.parse(line) as Record<string, unknown>;
  return { process: child, port: Number(info.port), info };
}

/** CPU time (user + system) of a process so far, in microseconds (Linux /proc). */
function cpuMicros(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
}

const STAND_IN_TOKEN = 'Zx8_k-12Q9vB3nH7sLm2';

/** The tracking API: the real shipping service when its engines are configured. */
async function startTrackingApi(): Promise<{ child: Child; token: string; label: string }> {
  const { DATABASE_URL, REDIS_URL } = process.env;
  if (DATABASE_URL && REDIS_URL) {
    const child = await startChild(['shipping', DATABASE_URL, REDIS_URL], 'tracking-servers.ts');
    return { child, token: String(child.info.token), label: 'shipping service' };
  }
  return { child: await startChild(['upstream-kit']), token: STAND_IN_TOKEN, label: 'kit stand-in' };
}

async function load(port: number, token: string, overallRate?: number): Promise<LoadResult> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/tracking/${token}`,
    headers: {
      host: 'rastreio.empresa.com.br',
      'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
      accept: 'application/json', 'accept-language': 'pt-BR,pt;q=0.9',
      cookie: 'lang=pt-BR; lgpd_consent=true',
    },
    connections: overallRate === undefined ? 32 : 16,
    duration: overallRate === undefined ? THROUGHPUT_SECONDS : FIXED_RATE_SECONDS,
    ...(overallRate === undefined ? {} : { overallRate }),
  });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`load run had ${result.errors} errors and ${result.non2xx} non-2xx answers`);
  }
  return result;
}

/** Runs the gateway benchmark. */
export async function run(): Promise<BenchRow[]> {
  const api = await startTrackingApi();
  const kit = api.child;
  const bare = await startChild(['upstream-bare']);
  const gateway = await startChild(['gateway', `http://127.0.0.1:${kit.port}`]);
  const gatewayToBare = await startChild(['gateway', `http://127.0.0.1:${bare.port}`]);
  const token = api.token;
  try {
    await load(gateway.port, token, 500); // warm-up: JIT, pools, connections
    await load(gatewayToBare.port, STAND_IN_TOKEN, 500);
    const direct = await load(kit.port, token);
    const gwCpu0 = cpuMicros(gateway.process.pid);
    const kitCpu0 = cpuMicros(kit.process.pid);
    const through = await load(gateway.port, token);
    const gwCpuPerRequest = (cpuMicros(gateway.process.pid) - gwCpu0) / through.requests.total;
    const kitCpuPerRequest = (cpuMicros(kit.process.pid) - kitCpu0) / through.requests.total;
    const bareDirect = await load(bare.port, STAND_IN_TOKEN);
    const bareThrough = await load(gatewayToBare.port, STAND_IN_TOKEN);
    const directFixed = await load(kit.port, token, FIXED_RATE);
    const throughFixed = await load(gateway.port, token, FIXED_RATE);
    const limiter = String(gateway.info.limiter);
    return [
      {
        name: `tracking API req/s through gateway (WAF + limits [${limiter}] + proxy) → ${api.label}`, value: through.requests.average, unit: 'req/s',
        baseline: `direct to ${api.label} ${direct.requests.average.toFixed(0)} req/s`, ratio: through.requests.average / direct.requests.average, goal: '≥ 0.5',
      },
      {
        name: 'req/s through gateway → bare node:http upstream (worst case)', value: bareThrough.requests.average, unit: 'req/s',
        baseline: `direct to bare upstream ${bareDirect.requests.average.toFixed(0)} req/s`, ratio: bareThrough.requests.average / bareDirect.requests.average,
      },
      {
        name: `p99 at ${FIXED_RATE} req/s through gateway`, value: throughFixed.latency.p99, unit: 'ms',
        baseline: `direct p99 ${directFixed.latency.p99} ms`,
      },
      { name: `added p99 at ${FIXED_RATE} req/s (gateway − direct)`, value: throughFixed.latency.p99 - directFixed.latency.p99, unit: 'ms' },
      { name: `added p50 at ${FIXED_RATE} req/s (gateway − direct)`, value: throughFixed.latency.p50 - directFixed.latency.p50, unit: 'ms' },
      {
        name: 'gateway CPU per proxied request (user + system)', value: gwCpuPerRequest, unit: 'µs',
        baseline: `${api.label} ${kitCpuPerRequest.toFixed(0)} µs/request`, ratio: gwCpuPerRequest / kitCpuPerRequest,
      },
    ];
  } finally {
    for (const child of [gatewayToBare, gateway, bare, kit]) child.process.kill('SIGTERM');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
