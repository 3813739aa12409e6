-- CRM, third part: pipelines with their stages, and deals moving through them.

CREATE TABLE pipelines (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    name       text        GENERATED ALWAYS AS (state ->> 'name') STORED,
    created_at timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX pipelines_name ON pipelines (tenant_id, name, id);

CREATE TABLE deals (
    tenant_id    uuid   NOT NULL,
    id           uuid   NOT NULL,
    version      bigint NOT NULL,
    state        jsonb  NOT NULL,
    title        text        GENERATED ALWAYS AS (state ->> 'title') STORED,
    pipeline_id  uuid        GENERATED ALWAYS AS ((state ->> 'pipelineId')::uuid) STORED,
    stage_id     uuid        GENERATED ALWAYS AS ((state ->> 'stageId')::uuid) STORED,
    status       text        GENERATED ALWAYS AS (state ->> 'status') STORED,
    owner_id     uuid        GENERATED ALWAYS AS ((state ->> 'ownerId')::uuid) STORED,
    lead_id      uuid        GENERATED ALWAYS AS ((state ->> 'leadId')::uuid) STORED,
    contact_id   uuid        GENERATED ALWAYS AS ((state ->> 'contactId')::uuid) STORED,
    company_id   uuid        GENERATED ALWAYS AS ((state ->> 'companyId')::uuid) STORED,
    amount       numeric     GENERATED ALWAYS AS ((state -> 'value' ->> 'amount')::numeric) STORED,
    currency     text        GENERATED ALWAYS AS (state -> 'value' ->> 'currency') STORED,
    deleted      boolean     GENERATED ALWAYS AS (coalesce((state ->> 'deleted')::boolean, false)) STORED,
    search       text        GENERATED ALWAYS AS (lower(coalesce(state ->> 'title', ''))) STORED,
    created_at   timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    closed_at    timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'closedAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX deals_created ON deals (tenant_id, created_at, id) WHERE NOT deleted;
CREATE INDEX deals_title ON deals (tenant_id, title, id) WHERE NOT deleted;
CREATE INDEX deals_pipeline ON deals (tenant_id, pipeline_id, stage_id, status) WHERE NOT deleted;
CREATE INDEX deals_owner ON deals (tenant_id, owner_id, created_at, id) WHERE NOT deleted;
CREATE INDEX deals_lead ON deals (tenant_id, lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX deals_search ON deals USING gin (tenant_id, search gin_trgm_ops) WHERE NOT deleted;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['pipelines', 'deals']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = m3_current_tenant() OR m3_system()) WITH CHECK (tenant_id = m3_current_tenant() OR m3_system())', t);
    END LOOP;
END $$;
