-- The checks are the last line of defence against overselling: a bug that would take stock below
-- zero fails its transaction instead.
create table if not exists stock (
  sku text primary key,
  available integer not null check (available >= 0),
  reserved integer not null default 0 check (reserved >= 0),
  updated_at timestamptz not null default now()
);

-- One row per order (the primary key makes order.placed idempotent per order, not only per event).
create table if not exists reservations (
  order_id text primary key,
  reservation_id text not null unique,
  status text not null check (status in ('active', 'committed', 'released', 'rejected')),
  reason text,
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists reservations_expiring on reservations (expires_at) where status = 'active';

create table if not exists reservation_lines (
  order_id text not null references reservations (order_id),
  sku text not null,
  quantity integer not null check (quantity > 0),
  primary key (order_id, sku)
);
