-- The actor runtime's own tables: the event outbox and durable reminders.
-- Every table carries tenant_id, the distribution key if the database is ever sharded.

-- Per-tenant event sequence. The row is locked by the transaction that appends events,
-- so sequence numbers are handed out in commit order and an aborted transaction leaves no gap.
CREATE TABLE event_sequences (
    tenant_id uuid   PRIMARY KEY,
    last_seq  bigint NOT NULL
);

CREATE TABLE events (
    tenant_id   uuid        NOT NULL,
    seq         bigint      NOT NULL,
    type        text        NOT NULL,
    entity_type text        NOT NULL,
    entity_id   uuid        NOT NULL,
    data        jsonb       NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, seq)
);

CREATE INDEX events_entity ON events (tenant_id, entity_type, entity_id, seq);

CREATE TABLE reminders (
    tenant_id  uuid        NOT NULL,
    grain_type text        NOT NULL,
    grain_key  uuid        NOT NULL,
    name       text        NOT NULL,
    due_at     timestamptz NOT NULL,
    period_ms  bigint,
    PRIMARY KEY (tenant_id, grain_type, grain_key, name)
);

CREATE INDEX reminders_due ON reminders (due_at);
