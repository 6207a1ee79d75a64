-- Products and prices. search_text is the normalized (accent-free, lower-case) name, description
-- and SKU, written by the application because PGlite has no unaccent extension.
create table products (
  sku text primary key,
  name text not null,
  description text not null default '',
  price_amount integer not null check (price_amount >= 0),
  currency text not null,
  stock integer check (stock >= 0),
  active boolean not null default true,
  search_text text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index products_active_name on products (active, name);
