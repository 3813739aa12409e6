-- Dashboards (one saved layout per user) and what reports read fast at 100,000 leads and 10,000 units.

CREATE TABLE dashboards (
    tenant_id uuid   NOT NULL,
    id        uuid   NOT NULL,
    version   bigint NOT NULL,
    state     jsonb  NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE dashboards ENABLE ROW LEVEL SECURITY;
ALTER TABLE dashboards FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON dashboards
    USING (tenant_id = m3_current_tenant() OR m3_system())
    WITH CHECK (tenant_id = m3_current_tenant() OR m3_system());

-- The funnel counts leads by status and conversion over a creation window; the agents report counts conversions by owner.
ALTER TABLE leads ADD COLUMN converted_at timestamptz GENERATED ALWAYS AS (m3_utc(state -> 'conversion' ->> 'convertedAt')) STORED;
CREATE INDEX leads_report ON leads (tenant_id, created_at) INCLUDE (status, owner_id, converted_at) WHERE NOT deleted;
CREATE INDEX leads_converted ON leads (tenant_id, converted_at) INCLUDE (owner_id) WHERE converted_at IS NOT NULL AND NOT deleted;

-- Calls by agent and outcome; activity by day.
ALTER TABLE activities ADD COLUMN outcome text GENERATED ALWAYS AS (state ->> 'outcome') STORED;
CREATE INDEX activities_report ON activities (tenant_id, at) INCLUDE (type, owner_id, outcome);

-- Open deals by stage; deals won by owner over a closing window.
CREATE INDEX deals_report ON deals (tenant_id, status, closed_at) INCLUDE (owner_id, amount, currency, pipeline_id, stage_id, created_at) WHERE NOT deleted;

-- Units by project, type and status with their value.
CREATE INDEX units_report ON units (tenant_id, project_id, type_code, status) INCLUDE (price, currency);
