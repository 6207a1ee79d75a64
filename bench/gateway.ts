/**
 * Gateway overhead: the tracking API (`GET /api/tracking/<token>`) requested directly and through
 * the gateway (WAF, routing, rate limits, proxy), in the same run, on loopback, each server and the
 * load generator (autocannon) in its own process.
 *
 * Where the CPU goes decides the figure, so the driver measures two layouts:
 * - **gateway on its own core** (the goal's measure): the load generator and the service share CPU 0
 *   in both runs, and the gateway gets CPU 1 — as in a cluster, where the gateway's pods have their
 *   own CPU and do not take it from the service. The ratio says how much of the service's throughput
 *   survives going through one gateway process.
 * - **all sharing both cores**: every process may run anywhere. On two cores the gateway then takes
 *   CPU from the service and the load generator, and three busy processes on two cores pay for
 *   context switches too; the row with the WAF and limits switched off shows the ceiling any Node
 *   proxy reaches in that layout.
 * Affinity is set with `taskset` (util-linux); with fewer than two CPUs or no taskset, only the
 * shared layout is measured.
 *
 * Throughput is compared as the medians of three alternating 5 s runs per side. Also measured: the
 * latency at a fixed 1,000 req/s (the p99 the gateway adds; every process on both cores) and the
 * gateway's CPU time per request. The service is the real shipping service (PostgreSQL + Redis, view cached,
 * started by bench/tracking-servers.ts) when DATABASE_URL and REDIS_URL are set, else a stand-in on
 * the kit's Express app; a bare node:http upstream gives the worst-case ratio. With REDIS_URL the
 * gateway's rate limits count in Redis too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const THROUGHPUT_SECONDS = 5;
/** Direct and gateway runs alternate this many times; the medians are compared. */
const ROUNDS = 3;
const WARM_UP_SECONDS = 3;
const FIXED_RATE_SECONDS = 10;
const FIXED_RATE = 1_000;
const CLOCK_TICKS_PER_SECOND = 100;
const SHOP_CPU = '0';
const GATEWAY_CPU = '1';
const ALL_CPUS = `0-${availableParallelism() - 1}`;

interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}

interface Child { readonly process: ChildProcess; readonly port: number; readonly info: Record<string, unknown> }

const canPin = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;

/** Runs `args` under `taskset -c cpus` when pinning is possible. */
function command(cpus: string, args: string[]): [string, string[]] {
  return canPin ? ['taskset', ['-c', cpus, ...args]] : [args[0]!, args.slice(1)];
}

/** Moves a running process (every thread) to these CPUs. */
function pin(child: Child, cpus: string): void {
  if (!canPin || child.process.pid === undefined) return;
  const r = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(child.process.pid)]);
  if (r.status !== 0) throw new Error(`taskset failed for ${child.process.pid}: ${r.stderr.toString()}`);
}

async function startChild(args: string[], script = 'gateway-servers.ts', env: NodeJS.ProcessEnv = {}): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env },
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

interface LoadOptions { readonly rate?: number; readonly seconds?: number; readonly cpus?: string }

/** Drives one server with autocannon in a child process (on `cpus`). */
async function load(port: number, token: string, options: LoadOptions = {}): Promise<LoadResult> {
  const autocannonOptions = {
    url: `http://127.0.0.1:${port}/api/tracking/${token}`,
    headers: {
      host: 'rastreio.empresa.com.br',
      'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
      accept: 'application/json', 'accept-language': 'pt-BR,pt;q=0.9',
      cookie: 'lang=pt-BR; lgpd_consent=true',
    },
    connections: options.rate === undefined ? 32 : 16,
    duration: options.seconds ?? (options.rate === undefined ? THROUGHPUT_SECONDS : FIXED_RATE_SECONDS),
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
  };
  const [cmd, args] = command(options.cpus ?? ALL_CPUS, [process.execPath, '--import', 'tsx', path.join(here, 'gateway-load.ts'), JSON.stringify(autocannonOptions)]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult;
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`load run had ${result.errors} errors and ${result.non2xx} non-2xx answers`);
  }
  return result;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Direct and through-the-gateway runs, alternated ROUNDS times so that a slow spell of the machine
 * hits both sides; the run with the median throughput of each side is compared. CPU per request is
 * summed over all gateway runs.
 */
async function compare(
  directRun: () => Promise<LoadResult>, throughRun: () => Promise<LoadResult>, gateway?: Child, service?: Child,
): Promise<{ direct: LoadResult; through: LoadResult; gwCpuPerRequest: number; serviceCpuPerRequest: number }> {
  const directs: LoadResult[] = [];
  const throughs: LoadResult[] = [];
  let gwCpu = 0;
  let serviceCpu = 0;
  let requests = 0;
  for (let round = 0; round < ROUNDS; round++) {
    directs.push(await directRun());
    const gw0 = cpuMicros(gateway?.process.pid);
    const sv0 = cpuMicros(service?.process.pid);
    const t = await throughRun();
    gwCpu += cpuMicros(gateway?.process.pid) - gw0;
    serviceCpu += cpuMicros(service?.process.pid) - sv0;
    requests += t.requests.total;
    throughs.push(t);
  }
  const pick = (runs: LoadResult[]): LoadResult => {
    const m = median(runs.map((r) => r.requests.average));
    return runs.find((r) => r.requests.average === m) ?? runs[0]!;
  };
  return { direct: pick(directs), through: pick(throughs), gwCpuPerRequest: gwCpu / requests, serviceCpuPerRequest: serviceCpu / requests };
}

/** Runs the gateway benchmark. */
export async function run(): Promise<BenchRow[]> {
  const api = await startTrackingApi();
  const service = api.child;
  const bare = await startChild(['upstream-bare']);
  const gateway = await startChild(['gateway', `http://127.0.0.1:${service.port}`]);
  const gatewayToBare = await startChild(['gateway', `http://127.0.0.1:${bare.port}`]);
  const bareProxy = await startChild(['gateway', `http://127.0.0.1:${service.port}`], 'gateway-servers.ts', { BENCH_EDGE: 'off' });
  const token = api.token;
  const rows: BenchRow[] = [];
  try {
    for (const g of [gateway, gatewayToBare, bareProxy]) await load(g.port, g === gatewayToBare ? STAND_IN_TOKEN : token, { seconds: WARM_UP_SECONDS });

    // Gateway on its own core: service, bare upstream and load generator on the other.
    const layout = canPin ? 'gateway on its own core' : 'all sharing the cores (no taskset)';
    // (Without taskset, pin() and the load generator's CPU list are no-ops: everything shares.)
    for (const c of [service, bare]) pin(c, SHOP_CPU);
    for (const g of [gateway, gatewayToBare]) pin(g, GATEWAY_CPU);
    const { direct, through, gwCpuPerRequest, serviceCpuPerRequest } = await compare(
      () => load(service.port, token, { cpus: SHOP_CPU }),
      () => load(gateway.port, token, { cpus: SHOP_CPU }),
      gateway, service,
    );
    const { direct: bareDirect, through: bareThrough } = await compare(
      () => load(bare.port, STAND_IN_TOKEN, { cpus: SHOP_CPU }),
      () => load(gatewayToBare.port, STAND_IN_TOKEN, { cpus: SHOP_CPU }),
    );
    // Latency at a fixed rate (neither server is busy at this rate): every process on both cores, so
    // no request waits for a core another process holds.
    for (const c of [service, gateway]) pin(c, ALL_CPUS);
    const directFixed = await load(service.port, token, { rate: FIXED_RATE });
    const throughFixed = await load(gateway.port, token, { rate: FIXED_RATE });
    const limiter = String(gateway.info.limiter);
    rows.push(
      {
        name: `tracking API req/s through gateway (WAF + limits [${limiter}] + proxy) → ${api.label}; ${layout}`, value: through.requests.average, unit: 'req/s',
        baseline: `direct to ${api.label} ${direct.requests.average.toFixed(0)} req/s`, ratio: through.requests.average / direct.requests.average, goal: '≥ 0.5',
      },
      {
        name: `req/s through gateway → bare node:http upstream (worst case); ${layout}`, value: bareThrough.requests.average, unit: 'req/s',
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
        baseline: `${api.label} ${serviceCpuPerRequest.toFixed(0)} µs/request`, ratio: gwCpuPerRequest / serviceCpuPerRequest,
      },
    );

    if (canPin) {
      // Every process on both cores (the fixed-rate runs unpinned service and gateway already).
      const { direct: sharedDirect, through: sharedThrough } = await compare(() => load(service.port, token), () => load(gateway.port, token));
      const sharedProxy = await load(bareProxy.port, token);
      rows.push(
        {
          name: `tracking API req/s through gateway → ${api.label}; all sharing both cores`, value: sharedThrough.requests.average, unit: 'req/s',
          baseline: `direct ${sharedDirect.requests.average.toFixed(0)} req/s`, ratio: sharedThrough.requests.average / sharedDirect.requests.average,
        },
        {
          name: `the same through the gateway with WAF and limits off (proxy only); all sharing both cores`, value: sharedProxy.requests.average, unit: 'req/s',
          baseline: `direct ${sharedDirect.requests.average.toFixed(0)} req/s`, ratio: sharedProxy.requests.average / sharedDirect.requests.average,
        },
      );
    }
    return rows;
  } finally {
    for (const child of [bareProxy, gatewayToBare, gateway, bare, service]) child.process.kill('SIGTERM');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
