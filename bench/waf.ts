/**
 * WAF cost per request: inspects the benign shop set and the CRS attack cases with the WAF at
 * paranoia 1 and 2 and reports p50/p99 inspection time. The baseline is the cheapest thing a
 * gateway must do anyway with the same requests: parse the URL and read the body as text.
 */
import { performance } from 'node:perf_hooks';
import { createWaf, parseWafPolicy, type WafRequest } from '../services/gateway/waf/index.ts';
import { benignRequest, crsRequest, loadBenignCases, loadCrsCases } from '../test/unit/gateway/waf-cases.ts';
import type { BenchRow } from './types.ts';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function timeEach(requests: readonly WafRequest[], fn: (r: WafRequest) => unknown, rounds: number): number[] {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const r of requests) {
      const t0 = performance.now();
      fn(r);
      samples.push(performance.now() - t0);
    }
  }
  return samples.sort((a, b) => a - b);
}

/** Runs the WAF benchmark. */
export async function run(): Promise<BenchRow[]> {
  const benign = loadBenignCases().map(benignRequest);
  const attacks = loadCrsCases().filter((c) => c.direction === 'request').map(crsRequest);
  const mixed = [...benign, ...attacks];
  const baseline = (r: WafRequest): unknown => [new URL(r.url, 'http://x').searchParams.size, String(r.body ?? '').length];
  const rows: BenchRow[] = [];
  for (const paranoia of [1, 2] as const) {
    const waf = createWaf(parseWafPolicy({ paranoia, mode: 'block', ownHosts: ['empresa.com.br'] }));
    timeEach(mixed, (r) => waf.inspect(r), 1); // warm-up: JIT and regex compilation
    const base = timeEach(benign, baseline, 3);
    const benignTimes = timeEach(benign, (r) => waf.inspect(r), 3);
    const mixedTimes = timeEach(mixed, (r) => waf.inspect(r), 3);
    const p99 = percentile(benignTimes, 99);
    rows.push(
      { name: `WAF p50 per benign request, paranoia ${paranoia}`, value: percentile(benignTimes, 50) * 1000, unit: 'µs' },
      {
        name: `WAF p99 per benign request, paranoia ${paranoia}`, value: p99 * 1000, unit: 'µs',
        baseline: `URL parse + body read p99 ${(percentile(base, 99) * 1000).toFixed(1)} µs`,
        ratio: p99 / Math.max(percentile(base, 99), 1e-6),
      },
      { name: `WAF p99 per request, benign + CRS attacks, paranoia ${paranoia}`, value: percentile(mixedTimes, 99) * 1000, unit: 'µs' },
    );
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
