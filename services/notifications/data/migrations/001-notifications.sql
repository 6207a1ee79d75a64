-- Who to notify and how they want it; what was (or will be) sent.
create table recipients (
  customer_id text primary key,
  email text,
  name text,
  locale text not null default 'pt-BR',
  opted_out boolean not null default false,
  shipment_updates boolean not null default false,
  updated_at timestamptz not null default now()
);

create table shipments (
  shipment_id text primary key,
  order_id text not null,
  customer_id text not null
);

create table notifications (
  id text primary key,
  event_id text not null,
  template text not null,
  customer_id text,
  channel text not null,
  state text not null default 'pending',
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  params jsonb not null,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  -- One notification per event and template: a redelivered event enqueues nothing new.
  unique (event_id, template)
);
create index notifications_due on notifications (next_attempt_at) where state = 'pending';
