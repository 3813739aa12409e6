-- The cluster: silo membership with heartbeats, and one lease per tenant with an epoch.
-- A silo writes a tenant's state only while it holds that tenant's lease at its epoch; the write
-- locks the lease row (FOR SHARE), so a takeover waits for it or finds it gone: never both.
CREATE TABLE silos (
    id           uuid        PRIMARY KEY,
    address      text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    status       text        NOT NULL CHECK (status IN ('active', 'leaving', 'dead'))
);

CREATE TABLE tenant_leases (
    tenant_id  uuid        PRIMARY KEY,
    silo_id    uuid        NOT NULL,
    epoch      bigint      NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX tenant_leases_silo ON tenant_leases (silo_id);

ALTER TABLE tenant_leases ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_leases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_leases
    USING (tenant_id = m3_current_tenant() OR m3_system())
    WITH CHECK (tenant_id = m3_current_tenant() OR m3_system());
