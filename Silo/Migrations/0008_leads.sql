-- CRM, first part: the tenant's lead statuses and sources, leads, group assignment cursors,
-- telemarketing call queues and activities. As elsewhere the grain state is jsonb and what lists,
-- filters, duplicate checks and call queues use is generated from it.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Per tenant (grain key = tenant id): the lead statuses (with their open/won/lost category) and sources.
CREATE TABLE lead_catalogs (
    tenant_id uuid   NOT NULL,
    id        uuid   NOT NULL,
    version   bigint NOT NULL,
    state     jsonb  NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE FUNCTION m3_lead_search(jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(coalesce($1 ->> 'name', '') || ' ' || coalesce(ltrim($1 ->> 'phone', '+'), '') || ' ' || coalesce($1 ->> 'email', ''));

CREATE TABLE leads (
    tenant_id       uuid   NOT NULL,
    id              uuid   NOT NULL,
    version         bigint NOT NULL,
    state           jsonb  NOT NULL,
    name            text        GENERATED ALWAYS AS (state ->> 'name') STORED,
    phone           text        GENERATED ALWAYS AS (state ->> 'phone') STORED,
    email           text        GENERATED ALWAYS AS (state ->> 'email') STORED,
    source          text        GENERATED ALWAYS AS (state ->> 'source') STORED,
    status          text        GENERATED ALWAYS AS (state ->> 'status') STORED,
    category        text        GENERATED ALWAYS AS (state ->> 'statusCategory') STORED,
    owner_id        uuid        GENERATED ALWAYS AS ((state ->> 'ownerId')::uuid) STORED,
    group_id        uuid        GENERATED ALWAYS AS ((state ->> 'groupId')::uuid) STORED,
    tags            jsonb       GENERATED ALWAYS AS (coalesce(state -> 'tags', '[]'::jsonb)) STORED,
    deleted         boolean     GENERATED ALWAYS AS (coalesce((state ->> 'deleted')::boolean, false)) STORED,
    allow_duplicate boolean     GENERATED ALWAYS AS (coalesce((state ->> 'allowDuplicate')::boolean, false)) STORED,
    search          text        GENERATED ALWAYS AS (m3_lead_search(state)) STORED,
    call_attempts   integer     GENERATED ALWAYS AS (coalesce((state -> 'calls' ->> 'attempts')::integer, 0)) STORED,
    calls_done      boolean     GENERATED ALWAYS AS (coalesce((state -> 'calls' ->> 'done')::boolean, false)) STORED,
    next_call_at    timestamptz GENERATED ALWAYS AS (m3_utc(state -> 'calls' ->> 'nextCallAt')) STORED,
    locked_until    timestamptz GENERATED ALWAYS AS (m3_utc(state -> 'calls' ->> 'lockedUntil')) STORED,
    -- When a queue may next hand the lead out: its retry or callback time, or the end of its lock (never called: null, first in line).
    call_due_at     timestamptz GENERATED ALWAYS AS (greatest(m3_utc(state -> 'calls' ->> 'nextCallAt'), m3_utc(state -> 'calls' ->> 'lockedUntil'))) STORED,
    created_at      timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    updated_at      timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'updatedAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);

-- A phone or email is on at most one open lead of a tenant (unless a duplicate was let in on purpose):
-- concurrent creates of the same person cannot both win.
CREATE UNIQUE INDEX leads_open_phone ON leads (tenant_id, phone) WHERE phone IS NOT NULL AND category = 'open' AND NOT deleted AND NOT allow_duplicate;
CREATE UNIQUE INDEX leads_open_email ON leads (tenant_id, email) WHERE email IS NOT NULL AND category = 'open' AND NOT deleted AND NOT allow_duplicate;
CREATE INDEX leads_phone ON leads (tenant_id, phone) WHERE phone IS NOT NULL AND NOT deleted;
CREATE INDEX leads_email ON leads (tenant_id, email) WHERE email IS NOT NULL AND NOT deleted;
CREATE INDEX leads_created ON leads (tenant_id, created_at, id) WHERE NOT deleted;
CREATE INDEX leads_updated ON leads (tenant_id, updated_at, id) WHERE NOT deleted;
CREATE INDEX leads_name ON leads (tenant_id, name, id) WHERE NOT deleted;
CREATE INDEX leads_owner ON leads (tenant_id, owner_id, created_at, id) WHERE NOT deleted;
CREATE INDEX leads_status ON leads (tenant_id, status, created_at, id) WHERE NOT deleted;
CREATE INDEX leads_search ON leads USING gin (tenant_id, search gin_trgm_ops) WHERE NOT deleted;
CREATE INDEX leads_callable ON leads (tenant_id, call_due_at NULLS FIRST, created_at, id) WHERE category = 'open' AND NOT deleted AND NOT calls_done;

-- Per group (grain key = group id): where round-robin assignment continues.
CREATE TABLE group_assignments (
    tenant_id uuid   NOT NULL,
    id        uuid   NOT NULL,
    version   bigint NOT NULL,
    state     jsonb  NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE call_queues (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    name       text        GENERATED ALWAYS AS (state ->> 'name') STORED,
    created_at timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX call_queues_name ON call_queues (tenant_id, name, id);

CREATE TABLE activities (
    tenant_id    uuid   NOT NULL,
    id           uuid   NOT NULL,
    version      bigint NOT NULL,
    state        jsonb  NOT NULL,
    type         text        GENERATED ALWAYS AS (state ->> 'type') STORED,
    subject_type text        GENERATED ALWAYS AS (state -> 'subject' ->> 'type') STORED,
    subject_id   uuid        GENERATED ALWAYS AS ((state -> 'subject' ->> 'id')::uuid) STORED,
    owner_id     uuid        GENERATED ALWAYS AS ((state ->> 'ownerId')::uuid) STORED,
    at           timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'at')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX activities_subject ON activities (tenant_id, subject_type, subject_id, at DESC, id DESC);
CREATE INDEX activities_at ON activities (tenant_id, at DESC, id DESC);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['lead_catalogs', 'leads', 'group_assignments', 'call_queues', 'activities']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = m3_current_tenant() OR m3_system()) WITH CHECK (tenant_id = m3_current_tenant() OR m3_system())', t);
    END LOOP;
END $$;
