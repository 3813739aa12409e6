-- Identity and tenancy: tenants, users, roles, groups, refresh-token families, the audit log.
-- Grain tables keep the state as jsonb; the columns that lists, filters and constraints use are
-- generated from it, so they can never disagree with the state.

-- ISO 8601 text to timestamptz. Declared immutable for generated columns: the grain always writes UTC with 'Z'.
CREATE FUNCTION m3_utc(text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ($1::timestamp AT TIME ZONE 'UTC');

CREATE TABLE tenants (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    slug       text GENERATED ALWAYS AS (state ->> 'slug') STORED,
    name       text GENERATED ALWAYS AS (state ->> 'name') STORED,
    created_at timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    PRIMARY KEY (tenant_id, id),
    CHECK (tenant_id = id)
);
CREATE UNIQUE INDEX tenants_slug ON tenants (slug);

CREATE TABLE users (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    email      text GENERATED ALWAYS AS (lower(state ->> 'email')) STORED,
    name       text GENERATED ALWAYS AS (state ->> 'name') STORED,
    status     text GENERATED ALWAYS AS (state ->> 'status') STORED,
    created_at timestamptz GENERATED ALWAYS AS (m3_utc(state ->> 'createdAt')) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_email ON users (tenant_id, email);
CREATE INDEX users_roles ON users USING gin ((state -> 'roleIds'));

CREATE TABLE roles (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    name       text GENERATED ALWAYS AS (state ->> 'name') STORED,
    deleted    boolean GENERATED ALWAYS AS (coalesce((state ->> 'deleted')::boolean, false)) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX roles_name ON roles (tenant_id, lower(name)) WHERE NOT deleted;

CREATE TABLE groups (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    name       text GENERATED ALWAYS AS (state ->> 'name') STORED,
    deleted    boolean GENERATED ALWAYS AS (coalesce((state ->> 'deleted')::boolean, false)) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX groups_members ON groups USING gin ((state -> 'memberIds'));

CREATE TABLE token_families (
    tenant_id  uuid   NOT NULL,
    id         uuid   NOT NULL,
    version    bigint NOT NULL,
    state      jsonb  NOT NULL,
    user_id    uuid GENERATED ALWAYS AS ((state ->> 'userId')::uuid) STORED,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX token_families_user ON token_families (tenant_id, user_id);

-- Append-only: grain writes add a row per event in their own transaction; the API host adds
-- logins, failed logins and permission denials. Nothing may change or remove a row.
CREATE TABLE audit_logs (
    tenant_id      uuid        NOT NULL,
    id             bigint      GENERATED ALWAYS AS IDENTITY,
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id       uuid,
    client_address text,
    action         text        NOT NULL,
    entity_type    text,
    entity_id      uuid,
    changes        jsonb,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_logs_entity ON audit_logs (tenant_id, entity_type, entity_id, id);
CREATE INDEX audit_logs_actor ON audit_logs (tenant_id, actor_id, id);

CREATE FUNCTION m3_audit_logs_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_logs rows cannot be changed or removed';
END $$;
CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION m3_audit_logs_are_append_only();
