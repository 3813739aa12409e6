-- Billing: the Stripe customer of a tenant (found by a webhook's customer id), and the Stripe events already
-- handled (a replayed event changes nothing). Counting a plan's usage reads users by status and leads and
-- units by tenant, which existing indexes serve.

ALTER TABLE tenants ADD COLUMN stripe_customer_id text GENERATED ALWAYS AS (state ->> 'stripeCustomerId') STORED;
CREATE UNIQUE INDEX tenants_stripe_customer ON tenants (stripe_customer_id) WHERE stripe_customer_id IS NOT NULL;

CREATE INDEX users_status ON users (tenant_id, status);

-- One row per Stripe event id handled. tenant_id is null for an event about no tenant of ours.
CREATE TABLE stripe_events (
    event_id    text        PRIMARY KEY,
    tenant_id   uuid,
    type        text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stripe_events_tenant ON stripe_events (tenant_id, received_at);

ALTER TABLE stripe_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE stripe_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stripe_events
    USING (tenant_id = m3_current_tenant() OR m3_system())
    WITH CHECK (tenant_id = m3_current_tenant() OR m3_system());
