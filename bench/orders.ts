/**
 * Checkout throughput and latency through real Kafka: orders, inventory, payments and cart as
 * separate processes (the integration suite's harness), every order approved.
 *
 * - orders/s from placement to confirmation for a burst of BURST orders, against the baseline of
 *   how fast the same orders are accepted by `POST /api/orders` (ratio = saga rate / ingest rate);
 * - p99 placement → confirmation latency at a paced rate of half the burst's throughput (PACED
 *   orders), against the p50 of orders placed one at a time on an idle stack (ratio = idle p50 /
 *   paced p99); the burst's own p99 is mostly queueing and is shown in the row's name.
 *
 * Needs KAFKA_BROKERS, DATABASE_URL, REDIS_URL (`source ~/.cache/vitrine/state/engines.env`).
 */
import { startCheckoutStack, type CheckoutStack } from '../test/integration/checkout/harness.ts';
import { fillCart, placeOrderRetrying as placeOrder, pool, stockSku, waitFor } from '../test/integration/checkout/api.ts';
import type { BenchRow } from './types.ts';

const BURST = Number(process.env.BENCH_ORDERS ?? 500);
const IDLE = 20;
const PACED = Number(process.env.BENCH_PACED_ORDERS ?? 200);
const IN_FLIGHT = 100;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/** Placement → confirmation latencies (ms) of `ids`, from the orders schema's own clocks. */
async function latencies(stack: CheckoutStack, ids: readonly string[]): Promise<number[]> {
  const r = await stack.db.query<{ ms: number }>(
    `select extract(epoch from h.at - o.created_at)::float8 * 1000 as ms
       from orders.orders o join orders.order_history h on h.order_id = o.id and h.to_status = 'confirmed'
      where o.id = any($1)`,
    [ids],
  );
  return r.rows.map((x) => Number(x.ms)).sort((a, b) => a - b);
}

async function confirmedCount(stack: CheckoutStack, ids: readonly string[]): Promise<number> {
  const r = await stack.db.query<{ n: number }>(`select count(*)::int as n from orders.orders where id = any($1) and status = 'invoiced'`, [ids]);
  return r.rows[0]?.n ?? 0;
}

/** Runs the benchmark. */
export async function run(): Promise<BenchRow[]> {
  const stack = await startCheckoutStack();
  try {
    const sku = `BENCH-${stack.runId}`;
    await stockSku(stack, sku, BURST + IDLE + PACED + 10);
    const users = await Promise.all(Array.from({ length: BURST + IDLE + PACED }, (_, i) => stack.issuer.token(`bench${i}-${stack.runId}`)));
    await pool(users, 50, (tk) => fillCart(stack, tk, sku, 1));

    // Idle baseline: one order at a time, each waited for.
    const idleIds: string[] = [];
    for (const tk of users.slice(BURST, BURST + IDLE)) {
      const p = await placeOrder(stack, tk, `idle-${idleIds.length}`, 'tok_approve');
      if (p.status !== 201) throw new Error(`idle order: ${p.status}`);
      idleIds.push(p.body.id);
      await waitFor('an idle order', async () => (await confirmedCount(stack, [p.body.id])) === 1, 30_000, 10);
    }
    const idle = await latencies(stack, idleIds);

    // Burst: BURST orders with IN_FLIGHT requests at a time.
    const started = performance.now();
    const placed = await pool(users.slice(0, BURST), IN_FLIGHT, (tk, i) => placeOrder(stack, tk, `burst-${i}`, 'tok_approve'));
    const acceptedMs = performance.now() - started;
    const ids = placed.map((p) => p.body.id);
    if (placed.some((p) => p.status !== 201)) throw new Error('a burst order was not accepted');
    await waitFor('the burst to be confirmed', async () => (await confirmedCount(stack, ids)) === BURST, 300_000, 50);
    const confirmedMs = performance.now() - started;
    const burst = await latencies(stack, ids);

    const acceptedRate = BURST / (acceptedMs / 1000);
    const confirmedRate = BURST / (confirmedMs / 1000);

    // Paced: one order every 1/rate seconds at half the burst's throughput, each request on its own.
    const rate = Math.max(1, confirmedRate / 2);
    const pacedStart = performance.now();
    const pacedPlaced = await Promise.all(
      users.slice(BURST + IDLE).map(async (tk, i) => {
        const due = pacedStart + (i * 1000) / rate;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        return placeOrder(stack, tk, `paced-${i}`, 'tok_approve');
      }),
    );
    const pacedIds = pacedPlaced.map((p) => p.body.id);
    await waitFor('the paced orders to be confirmed', async () => (await confirmedCount(stack, pacedIds)) === PACED, 300_000, 50);
    const paced = await latencies(stack, pacedIds);
    const p99 = quantile(paced, 0.99);
    const idleP50 = quantile(idle, 0.5);
    return [
      {
        name: `orders/s placement → confirmation (${BURST} orders, ${IN_FLIGHT} in flight, 3 processes on Kafka)`,
        value: confirmedRate,
        unit: 'orders/s',
        baseline: `POST /api/orders accepted: ${acceptedRate.toFixed(1)}/s`,
        ratio: confirmedRate / acceptedRate,
      },
      {
        name: `p99 placement → confirmation at ${rate.toFixed(1)} orders/s (${PACED} orders; burst p99 ${quantile(burst, 0.99).toFixed(0)} ms)`,
        value: p99,
        unit: 'ms',
        baseline: `p50 one order at a time: ${idleP50.toFixed(0)} ms`,
        ratio: idleP50 / p99,
      },
    ];
  } finally {
    await stack.stop();
  }
}
