-- Integrations: per-tenant provider settings with encrypted secrets, the Data Protection key ring that encrypts
-- them, and the durable outbox of email, SMS and WhatsApp deliveries.

-- The key ring of ASP.NET Core Data Protection, shared by every host of the cluster (not tenant data: one ring
-- protects every tenant's secrets, each under a purpose of its own).
CREATE TABLE data_protection_keys (
    name       text        PRIMARY KEY,
    xml        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One settings document per tenant and integration (email, infobip): plain fields in settings, secrets only as
-- Data Protection payloads in secrets (field -> protected text), never in clear.
CREATE TABLE integration_settings (
    tenant_id  uuid        NOT NULL,
    name       text        NOT NULL,
    version    bigint      NOT NULL,
    settings   jsonb       NOT NULL,
    secrets    jsonb       NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, name)
);
ALTER TABLE integration_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE integration_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON integration_settings
    USING (tenant_id = m3_current_tenant() OR m3_system())
    WITH CHECK (tenant_id = m3_current_tenant() OR m3_system());

-- The delivery outbox. A row is claimed by one worker at a time (FOR UPDATE SKIP LOCKED): claiming sets status
-- 'sending' and next_attempt_at to the end of the claim's lease, so a row whose worker died is claimed again once
-- the lease is over. The body is a Data Protection payload (it carries invitation tokens and codes).
CREATE TABLE deliveries (
    tenant_id           uuid        NOT NULL,
    id                  uuid        NOT NULL,
    idempotency_key     text        NOT NULL,
    channel             text        NOT NULL,
    recipient           text        NOT NULL,
    subject             text        NOT NULL,
    body                text        NOT NULL,
    status              text        NOT NULL DEFAULT 'pending',
    attempts            integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_error          text,
    provider_message_id text,
    provider_status     text,
    created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    CHECK (status IN ('pending', 'sending', 'sent', 'failed'))
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX deliveries_by_status ON deliveries (tenant_id, status, id);
ALTER TABLE deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON deliveries
    USING (tenant_id = m3_current_tenant() OR m3_system())
    WITH CHECK (tenant_id = m3_current_tenant() OR m3_system());
