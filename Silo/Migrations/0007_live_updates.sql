-- Live updates and the notification centre.

-- Single-use tickets with which browsers open the event stream (EventSource cannot send headers).
-- Only a hash of the ticket is stored; redeeming deletes the row, so a ticket works once.
CREATE TABLE stream_tickets (
    ticket_hash    bytea       PRIMARY KEY,
    tenant_id      uuid        NOT NULL,
    user_id        uuid        NOT NULL,
    family_id      uuid        NOT NULL,
    security_stamp uuid        NOT NULL,
    expires_at     timestamptz NOT NULL
);
CREATE INDEX stream_tickets_expires ON stream_tickets (expires_at);

-- Per tenant (grain key = tenant id): which event types notify whom, through which channels.
CREATE TABLE notification_rules (
    tenant_id uuid   NOT NULL,
    id        uuid   NOT NULL,
    version   bigint NOT NULL,
    state     jsonb  NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- One row per notification and channel; the id is derived from (source event, recipient, channel),
-- so dispatching an event again creates nothing twice.
CREATE TABLE notifications (
    tenant_id    uuid   NOT NULL,
    id           uuid   NOT NULL,
    version      bigint NOT NULL,
    state        jsonb  NOT NULL,
    recipient_id uuid        GENERATED ALWAYS AS ((state ->> 'recipientId')::uuid) STORED,
    channel      text        GENERATED ALWAYS AS (state ->> 'channel') STORED,
    created_at   timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    read_at      timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'readAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX notifications_in_app ON notifications (tenant_id, recipient_id, created_at DESC, id DESC) WHERE channel = 'in_app';

-- Per user (grain key = user id): the "read all" watermark of their notification centre.
CREATE TABLE notification_inboxes (
    tenant_id   uuid   NOT NULL,
    id          uuid   NOT NULL,
    version     bigint NOT NULL,
    state       jsonb  NOT NULL,
    read_all_at timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'readAllAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);

-- How far the notification dispatcher has read each tenant's event log.
CREATE TABLE notification_checkpoints (
    tenant_id uuid   PRIMARY KEY,
    seq       bigint NOT NULL
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['stream_tickets', 'notification_rules', 'notifications', 'notification_inboxes', 'notification_checkpoints']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = m3_current_tenant() OR m3_system()) WITH CHECK (tenant_id = m3_current_tenant() OR m3_system())', t);
    END LOOP;
END $$;

-- Who caused each event (null for the system, such as a hold expiring): streamed with the event,
-- and a person is not notified of their own action.
ALTER TABLE events ADD COLUMN actor_id uuid;

-- Tenants that existed before the dispatcher start from their present: old events notify no one.
SELECT set_config('m3.system', 'on', true);
INSERT INTO notification_checkpoints (tenant_id, seq) SELECT tenant_id, last_seq FROM event_sequences;
