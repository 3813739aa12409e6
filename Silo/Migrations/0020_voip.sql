-- VOIP click-to-call: one row per call placed through the tenant's provider (Twilio), with the provider's call id,
-- its progress as the provider's webhook reports it, and the call activity logged once when it ends.
CREATE TABLE voip_calls (
    tenant_id        uuid        NOT NULL,
    id               uuid        NOT NULL,
    provider         text        NOT NULL,
    provider_call_id text,
    agent_id         uuid        NOT NULL,
    agent_number     text        NOT NULL,
    to_number        text        NOT NULL,
    subject_type     text        NOT NULL,
    subject_id       uuid        NOT NULL,
    status           text        NOT NULL,
    duration_seconds integer,
    recording_url    text,
    error            text,
    activity_id      uuid,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    answered_at      timestamptz,
    ended_at         timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    CHECK (subject_type IN ('lead', 'contact')),
    CHECK (status IN ('starting', 'queued', 'ringing', 'in_progress', 'completed', 'busy', 'no_answer', 'failed', 'canceled'))
);
CREATE UNIQUE INDEX voip_calls_provider_call ON voip_calls (tenant_id, provider, provider_call_id) WHERE provider_call_id IS NOT NULL;
CREATE INDEX voip_calls_subject ON voip_calls (tenant_id, subject_type, subject_id, created_at);
ALTER TABLE voip_calls ENABLE ROW LEVEL SECURITY;
ALTER TABLE voip_calls FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON voip_calls
    USING (tenant_id = m3_current_tenant() OR m3_system())
    WITH CHECK (tenant_id = m3_current_tenant() OR m3_system());
