create table if not exists orders (
  id text primary key,
  customer_id text not null,
  status text not null,
  cancel_reason text,
  items jsonb not null,
  total_amount bigint not null,
  currency text not null,
  payment_method text not null,
  shipping_address jsonb not null,
  invoice_number text unique,
  shipment_id text,
  carrier text,
  tracking_code text,
  deadline_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists orders_by_customer on orders (customer_id, created_at desc);
create index if not exists orders_by_deadline on orders (deadline_at) where deadline_at is not null;

create table if not exists order_history (
  id bigserial primary key,
  order_id text not null references orders (id),
  from_status text,
  to_status text not null,
  reason text,
  cause text,
  at timestamptz not null default clock_timestamp()
);
create index if not exists order_history_by_order on order_history (order_id, id);

-- The key is scoped per customer: two customers may use the same key.
create table if not exists idempotency_keys (
  customer_id text not null,
  idem_key text not null,
  fingerprint text not null,
  order_id text not null references orders (id),
  created_at timestamptz not null default now(),
  primary key (customer_id, idem_key)
);

create sequence if not exists invoice_seq;
