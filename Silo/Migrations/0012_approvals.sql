-- Approval workflows: the tenant's policies, and one row per request.

CREATE TABLE approval_policies (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    name       text        GENERATED ALWAYS AS (state ->> 'name') STORED,
    action     text        GENERATED ALWAYS AS (state ->> 'action') STORED,
    deleted    boolean     GENERATED ALWAYS AS (coalesce((state ->> 'deleted')::boolean, false)) STORED,
    created_at timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
-- Every gated action looks up its policies by action.
CREATE INDEX approval_policies_action ON approval_policies (tenant_id, action, created_at, id) WHERE NOT deleted;
CREATE INDEX approval_policies_name ON approval_policies (tenant_id, name, id);

CREATE TABLE approvals (
    tenant_id    uuid   NOT NULL,
    id           uuid   NOT NULL,
    version      bigint NOT NULL,
    state        jsonb  NOT NULL,
    action       text        GENERATED ALWAYS AS (state ->> 'action') STORED,
    status       text        GENERATED ALWAYS AS (state ->> 'status') STORED,
    requester_id uuid        GENERATED ALWAYS AS ((state ->> 'requestedBy')::uuid) STORED,
    subject_type text        GENERATED ALWAYS AS (state -> 'subject' ->> 'type') STORED,
    subject_id   uuid        GENERATED ALWAYS AS ((state -> 'subject' ->> 'id')::uuid) STORED,
    approver_ids jsonb       GENERATED ALWAYS AS (state -> 'approverIds') STORED,
    created_at   timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX approvals_created ON approvals (tenant_id, created_at DESC, id DESC);
CREATE INDEX approvals_status ON approvals (tenant_id, status, created_at DESC, id DESC);
CREATE INDEX approvals_requester ON approvals (tenant_id, requester_id, created_at DESC, id DESC);
CREATE INDEX approvals_approvers ON approvals USING gin (approver_ids jsonb_path_ops);
CREATE INDEX approvals_subject ON approvals (tenant_id, subject_type, subject_id, created_at DESC, id DESC);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['approval_policies', 'approvals']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = m3_current_tenant() OR m3_system()) WITH CHECK (tenant_id = m3_current_tenant() OR m3_system())', t);
    END LOOP;
END $$;
