/**
 * CloudEvents 1.0 in Kafka binary mode (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md):
 * attributes in `ce_*` headers, the data as the JSON value. Extensions `correlationid` and
 * `causationid` link events to the request and event that caused them; `traceparent` carries W3C
 * trace context. The value is validated against the catalog schema on publish and on consume.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { currentContext } from '../context.ts';
import type { EventDefinition } from './catalog.ts';

/** A set of event definitions (the production catalog, or a test's own). */
export type Catalog = Readonly<Record<string, EventDefinition>>;
/** The data type of event `T` of catalog `C`. */
export type DataOf<C extends Catalog, T extends keyof C> = C[T] extends EventDefinition<infer S> ? z.infer<S> : never;

/** A CloudEvent as handlers see it. */
export interface CloudEvent<D = unknown, T extends string = string> {
  readonly id: string;
  readonly type: T;
  readonly source: string;
  readonly specversion: '1.0';
  readonly time: string;
  /** The aggregate id (also the Kafka key). */
  readonly subject: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly traceparent?: string;
  readonly data: D;
}

/** What a publisher gives; the rest is filled in. */
export interface NewEvent<C extends Catalog, T extends keyof C & string> {
  readonly type: T;
  readonly data: DataOf<C, T>;
  /** @default a new UUID */
  readonly id?: string;
  /** @default the catalog key of the data */
  readonly subject?: string;
  /** @default the current request/event context's, else a new one */
  readonly correlationId?: string;
  /** @default the id of the event being handled, if any */
  readonly causationId?: string;
}

/** A record as it travels on the wire (Kafka or in-process). */
export interface WireRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Raised when a record cannot be turned into a valid event (never retried: it goes to the DLQ). */
export class InvalidEventError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidEventError';
  }
}

function definition(catalog: Catalog, type: string): EventDefinition {
  const def = Object.hasOwn(catalog, type) ? catalog[type] : undefined;
  if (!def) throw new InvalidEventError(`unknown event type "${type}"`);
  return def;
}

function validate(def: EventDefinition, type: string, data: unknown): unknown {
  const result = def.schema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidEventError(`invalid ${type} data: ${issues}`);
  }
  return result.data;
}

/** Builds a full, validated event from what a publisher gives. */
export function createEvent<C extends Catalog, T extends keyof C & string>(catalog: C, source: string, input: NewEvent<C, T>): CloudEvent<DataOf<C, T>, T> {
  const def = definition(catalog, input.type);
  const data = validate(def, input.type, input.data) as DataOf<C, T>;
  const ctx = currentContext();
  const causationId = input.causationId ?? ctx?.causationId;
  const traceparent = ctx?.traceparent;
  return {
    id: input.id ?? randomUUID(),
    type: input.type,
    source,
    specversion: '1.0',
    time: new Date().toISOString(),
    subject: input.subject ?? def.key(data),
    correlationId: input.correlationId ?? ctx?.correlationId ?? randomUUID(),
    ...(causationId ? { causationId } : {}),
    ...(traceparent ? { traceparent } : {}),
    data,
  };
}

/** Topic of an event type. */
export function topicOf(catalog: Catalog, type: string): string {
  return definition(catalog, type).topic;
}

/** Binary-mode record of an event: `ce_*` headers, JSON value, key = subject. */
export function toWire(catalog: Catalog, event: CloudEvent): WireRecord {
  const headers: Record<string, string> = {
    ce_id: event.id,
    ce_type: event.type,
    ce_source: event.source,
    ce_specversion: event.specversion,
    ce_time: event.time,
    ce_subject: event.subject,
    ce_correlationid: event.correlationId,
    'content-type': 'application/json',
  };
  if (event.causationId) headers.ce_causationid = event.causationId;
  if (event.traceparent) headers.traceparent = event.traceparent;
  return { topic: topicOf(catalog, event.type), key: event.subject, value: JSON.stringify(event.data), headers };
}

/** Reads and validates an event from a record; throws {@link InvalidEventError} when it is not one. */
export function fromWire(catalog: Catalog, record: Pick<WireRecord, 'value' | 'headers'>): CloudEvent {
  const h = record.headers;
  const need = (name: string): string => {
    const v = h[name];
    if (!v) throw new InvalidEventError(`missing header ${name}`);
    return v;
  };
  if (need('ce_specversion') !== '1.0') throw new InvalidEventError(`unsupported ce_specversion ${h.ce_specversion}`);
  const type = need('ce_type');
  const def = definition(catalog, type);
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.value);
  } catch (err) {
    throw new InvalidEventError(`value of ${type} is not JSON`, { cause: err });
  }
  const data = validate(def, type, parsed);
  return {
    id: need('ce_id'),
    type,
    source: need('ce_source'),
    specversion: '1.0',
    time: need('ce_time'),
    subject: h.ce_subject ?? '',
    correlationId: h.ce_correlationid ?? need('ce_id'),
    ...(h.ce_causationid ? { causationId: h.ce_causationid } : {}),
    ...(h.traceparent ? { traceparent: h.traceparent } : {}),
    data,
  };
}
