-- Every accepted webhook is an integration request whose state follows the choreography;
-- updates that fail validation are kept as dead letters with their reason until replayed.
create table integration_requests (
  id text primary key,
  carrier text not null,
  external_event_id text not null,
  tracking_code text not null,
  state text not null,
  reason text,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (carrier, external_event_id)
);

create table dead_letters (
  id text primary key,
  request_id text not null references integration_requests (id),
  carrier text not null,
  stage text not null,
  reason text not null,
  created_at timestamptz not null default now(),
  replayed_at timestamptz,
  replays integer not null default 0
);
create index dead_letters_open on dead_letters (created_at) where replayed_at is null;
