-- Property inventory: type-code catalogs, projects and units. As with identity, the grain state is
-- jsonb and every column that lists, filters, the availability board and the map use is generated
-- from it. Map queries use GiST indexes over each geometry's bounding box (no PostGIS needed);
-- btree_gist lets those indexes lead with tenant_id, so one tenant's map never scans another's.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A GeoBounds object ({ minLng, minLat, maxLng, maxLat }) as a box, x = longitude, y = latitude.
CREATE FUNCTION m3_box(jsonb) RETURNS box
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN jsonb_typeof($1) = 'object' THEN box(
        point(($1 ->> 'minLng')::float8, ($1 ->> 'minLat')::float8),
        point(($1 ->> 'maxLng')::float8, ($1 ->> 'maxLat')::float8)) END;

CREATE TABLE type_codes (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    kind       text GENERATED ALWAYS AS (state ->> 'kind') STORED,
    code       text GENERATED ALWAYS AS (state ->> 'code') STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX type_codes_code ON type_codes (tenant_id, kind, lower(code));

CREATE TABLE projects (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    code       text GENERATED ALWAYS AS (state ->> 'code') STORED,
    name       text GENERATED ALWAYS AS (state ->> 'name') STORED,
    bounds     box  GENERATED ALWAYS AS (m3_box(state -> 'bounds')) STORED,
    created_at timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX projects_code ON projects (tenant_id, lower(code));
CREATE INDEX projects_name ON projects (tenant_id, name, id);
CREATE INDEX projects_bounds ON projects USING gist (tenant_id, bounds) WHERE bounds IS NOT NULL;

CREATE TABLE units (
    tenant_id       uuid   NOT NULL,
    id              uuid   NOT NULL,
    version         bigint NOT NULL,
    state           jsonb  NOT NULL,
    project_id      uuid    GENERATED ALWAYS AS ((state ->> 'projectId')::uuid) STORED,
    code            text    GENERATED ALWAYS AS (state ->> 'code') STORED,
    type_code       text    GENERATED ALWAYS AS (state ->> 'typeCode') STORED,
    floor           integer GENERATED ALWAYS AS ((state ->> 'floor')::integer) STORED,
    status          text    GENERATED ALWAYS AS (state ->> 'status') STORED,
    price           numeric GENERATED ALWAYS AS ((state -> 'listPrice' ->> 'amount')::numeric) STORED,
    currency        text    GENERATED ALWAYS AS (state -> 'listPrice' ->> 'currency') STORED,
    bedrooms        integer GENERATED ALWAYS AS ((state -> 'dimensions' ->> 'bedrooms')::integer) STORED,
    area_sqm        numeric GENERATED ALWAYS AS ((state -> 'dimensions' ->> 'areaSqm')::numeric) STORED,
    held_by         uuid    GENERATED ALWAYS AS ((state -> 'heldBy' ->> 'id')::uuid) STORED,
    hold_expires_at timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'holdExpiresAt')) STORED,
    bounds          box     GENERATED ALWAYS AS (m3_box(state -> 'bounds')) STORED,
    created_at      timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX units_code ON units (tenant_id, project_id, lower(code));
CREATE INDEX units_sorted_by_code ON units (tenant_id, code, id);
CREATE INDEX units_project_board ON units (tenant_id, project_id, status, type_code, floor);
CREATE INDEX units_status ON units (tenant_id, status, code, id);
CREATE INDEX units_price ON units (tenant_id, price, id);
CREATE INDEX units_held_by ON units (tenant_id, held_by) WHERE held_by IS NOT NULL;
CREATE INDEX units_bounds ON units USING gist (tenant_id, bounds) WHERE bounds IS NOT NULL;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['type_codes', 'projects', 'units']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = m3_current_tenant() OR m3_system()) WITH CHECK (tenant_id = m3_current_tenant() OR m3_system())', t);
    END LOOP;
END $$;
