/**
 * The transactional outbox: an event is a row written in the caller's transaction, next to the
 * state change it reports, so both commit or neither does. The relay (relay.ts) sends the rows.
 * The inbox table lives here too: both are the kit's own migrations in the service's schema.
 */
import type { Migration } from '../db/migrate.ts';
import type { Tx } from '../db/db.ts';
import { createEvent, toWire, InvalidEventError, type Catalog, type CloudEvent, type DataOf, type NewEvent } from './envelope.ts';

/**
 * Largest event (value plus headers) the outbox accepts. Kafka's default `message.max.bytes` is
 * about 1 MB; a larger row would be refused by the broker on every attempt and block the relay —
 * and every event behind it — so it is refused here, in the publisher's transaction.
 */
export const MAX_EVENT_BYTES = 512 * 1024;

/** The kit's tables, applied before the service's own migrations. */
export const eventMigrations: readonly Migration[] = [
  {
    name: 'kit/001-outbox-inbox.sql',
    sql: `
create table if not exists outbox (
  id bigserial primary key,
  event_id text not null unique,
  event_type text not null,
  topic text not null,
  key text not null,
  headers jsonb not null,
  value text not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index if not exists outbox_unsent on outbox (id) where sent_at is null;
create table if not exists inbox (
  consumer_group text not null,
  event_id text not null,
  event_type text not null,
  handled_at timestamptz not null default now(),
  primary key (consumer_group, event_id)
);`,
  },
];

/** Writes events into the outbox of one service. */
export class Outbox<C extends Catalog> {
  /**
   * @param catalog the event definitions (topic, schema, key)
   * @param source the CloudEvents `source`, e.g. `/vitrine/orders`
   */
  constructor(
    private readonly catalog: C,
    readonly source: string,
  ) {}

  /**
   * Validates the event and writes it in `tx`. It is sent once the transaction commits.
   * Correlation and causation ids default to the current context's.
   * @throws InvalidEventError when the data does not satisfy the catalog schema
   */
  async publish<T extends keyof C & string>(tx: Tx, input: NewEvent<C, T>): Promise<CloudEvent<DataOf<C, T>, T>> {
    const event = createEvent(this.catalog, this.source, input);
    const wire = toWire(this.catalog, event);
    const size = Buffer.byteLength(wire.value) + Buffer.byteLength(JSON.stringify(wire.headers));
    if (size > MAX_EVENT_BYTES) throw new InvalidEventError(`${event.type} is ${size} bytes; the limit is ${MAX_EVENT_BYTES}`);
    await tx.query('insert into outbox (event_id, event_type, topic, key, headers, value) values ($1, $2, $3, $4, $5, $6)', [
      event.id,
      event.type,
      wire.topic,
      wire.key,
      JSON.stringify(wire.headers),
      wire.value,
    ]);
    return event;
  }
}
