-- Users and their credentials; refresh tokens grouped in families (one family per login) so that a
-- reused token can revoke every token descended from the same login. Tokens are stored as SHA-256.
create table users (
  id text primary key,
  email text not null unique,
  name text not null,
  password_hash text not null,
  roles text[] not null default '{customer}',
  created_at timestamptz not null default now()
);

create table refresh_families (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text
);
create index refresh_families_user on refresh_families (user_id);

create table refresh_tokens (
  token_hash text primary key,
  family_id text not null references refresh_families (id) on delete cascade,
  user_id text not null references users (id) on delete cascade,
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index refresh_tokens_family on refresh_tokens (family_id);
