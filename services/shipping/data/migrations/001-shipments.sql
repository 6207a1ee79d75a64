-- Shipments, their checkpoints, and the hashed contacts used by the lookup form.
create table shipments (
  id text primary key,
  order_id text not null unique,
  invoice_id text not null,
  customer_id text not null,
  carrier text not null,
  tracking_code text not null,
  status text not null,
  postal_code_hash text not null,
  estimated_delivery timestamptz not null,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (carrier, tracking_code)
);

create table checkpoints (
  id bigserial primary key,
  shipment_id text not null references shipments (id),
  update_id text not null unique,
  status text not null,
  description text,
  location text,
  occurred_at timestamptz not null,
  recorded_at timestamptz not null default now()
);
create index checkpoints_shipment on checkpoints (shipment_id, occurred_at, id);

-- Only an HMAC of the e-mail (from user.registered), never the address itself.
create table customer_contacts (
  customer_id text primary key,
  email_hash text not null
);
