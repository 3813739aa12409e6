-- Idempotency-Key: the first response to a key is kept for 24 h and replayed for a repeat of the
-- same request; a repeat with a different body is refused. Scoped by tenant and caller.
CREATE TABLE idempotency_keys (
    tenant_id    uuid        NOT NULL,
    caller       text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    status       integer,
    headers      jsonb,
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, caller, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
    USING (tenant_id = m3_current_tenant() OR m3_system())
    WITH CHECK (tenant_id = m3_current_tenant() OR m3_system());
