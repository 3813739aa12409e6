-- CRM, second part: contacts and the companies they work for.

CREATE FUNCTION m3_contact_search(jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(coalesce($1 ->> 'firstName', '') || ' ' || coalesce($1 ->> 'lastName', '') || ' '
        || coalesce(translate(($1 -> 'phones')::text, '[]"+,', '     '), '') || ' ' || coalesce(translate(($1 -> 'emails')::text, '[]",', '   '), ''));

CREATE TABLE companies (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    name       text        GENERATED ALWAYS AS (state ->> 'name') STORED,
    domain     text        GENERATED ALWAYS AS (state ->> 'domain') STORED,
    owner_id   uuid        GENERATED ALWAYS AS ((state ->> 'ownerId')::uuid) STORED,
    deleted    boolean     GENERATED ALWAYS AS (coalesce((state ->> 'deleted')::boolean, false)) STORED,
    search     text        GENERATED ALWAYS AS (lower(coalesce(state ->> 'name', '') || ' ' || coalesce(state ->> 'domain', ''))) STORED,
    created_at timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX companies_name ON companies (tenant_id, name, id) WHERE NOT deleted;
CREATE INDEX companies_created ON companies (tenant_id, created_at, id) WHERE NOT deleted;
CREATE INDEX companies_search ON companies USING gin (tenant_id, search gin_trgm_ops) WHERE NOT deleted;

CREATE TABLE contacts (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    name       text        GENERATED ALWAYS AS (trim(coalesce(state ->> 'firstName', '') || ' ' || coalesce(state ->> 'lastName', ''))) STORED,
    company_id uuid        GENERATED ALWAYS AS ((state ->> 'companyId')::uuid) STORED,
    owner_id   uuid        GENERATED ALWAYS AS ((state ->> 'ownerId')::uuid) STORED,
    deleted    boolean     GENERATED ALWAYS AS (coalesce((state ->> 'deleted')::boolean, false)) STORED,
    search     text        GENERATED ALWAYS AS (m3_contact_search(state)) STORED,
    created_at timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX contacts_name ON contacts (tenant_id, name, id) WHERE NOT deleted;
CREATE INDEX contacts_created ON contacts (tenant_id, created_at, id) WHERE NOT deleted;
CREATE INDEX contacts_company ON contacts (tenant_id, company_id, name, id) WHERE NOT deleted;
CREATE INDEX contacts_search ON contacts USING gin (tenant_id, search gin_trgm_ops) WHERE NOT deleted;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['companies', 'contacts']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = m3_current_tenant() OR m3_system()) WITH CHECK (tenant_id = m3_current_tenant() OR m3_system())', t);
    END LOOP;
END $$;
