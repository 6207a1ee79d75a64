-- One row per order, made by whichever of order.placed (amount, token) and inventory.reserved
-- arrives first; authorization needs both.
create table if not exists payments (
  order_id text primary key,
  payment_id text not null unique,
  customer_id text,
  amount bigint,
  currency text,
  token text,
  placed boolean not null default false,
  reserved boolean not null default false,
  status text not null default 'pending'
    check (status in ('pending', 'authorized', 'failed', 'timed_out', 'cancelled', 'voided', 'refunded')),
  reason text,
  provider_reference text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- The unique keys are what make authorize and refund idempotent per order.
create table if not exists authorizations (
  order_id text primary key references payments (order_id),
  payment_id text not null unique,
  provider_reference text not null,
  amount bigint not null,
  currency text not null,
  created_at timestamptz not null default now()
);

create table if not exists refunds (
  order_id text primary key references authorizations (order_id),
  payment_id text not null unique,
  provider_reference text not null,
  amount bigint not null,
  currency text not null,
  created_at timestamptz not null default now()
);
