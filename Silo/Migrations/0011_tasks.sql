-- CRM, fourth part: tasks, with a due time that raises task.due when it passes.

CREATE TABLE tasks (
    tenant_id    uuid   NOT NULL,
    id           uuid   NOT NULL,
    version      bigint NOT NULL,
    state        jsonb  NOT NULL,
    title        text        GENERATED ALWAYS AS (state ->> 'title') STORED,
    -- Tasks are owned by their assignee: the scope of tasks.read and tasks.write reaches them through it.
    owner_id     uuid        GENERATED ALWAYS AS ((state ->> 'assigneeId')::uuid) STORED,
    status       text        GENERATED ALWAYS AS (state ->> 'status') STORED,
    due_at       timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'dueAt')) STORED,
    subject_type text        GENERATED ALWAYS AS (state -> 'subject' ->> 'type') STORED,
    subject_id   uuid        GENERATED ALWAYS AS ((state -> 'subject' ->> 'id')::uuid) STORED,
    deleted      boolean     GENERATED ALWAYS AS (false) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX tasks_due ON tasks (tenant_id, due_at, id);
CREATE INDEX tasks_owner ON tasks (tenant_id, owner_id, status, due_at, id);
CREATE INDEX tasks_subject ON tasks (tenant_id, subject_type, subject_id, due_at DESC, id DESC);

ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tasks
    USING (tenant_id = m3_current_tenant() OR m3_system())
    WITH CHECK (tenant_id = m3_current_tenant() OR m3_system());
