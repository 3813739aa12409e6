-- Tenancy fails closed: every tenant table lets a transaction see only the rows of the tenant it
-- set in m3.tenant_id (see TenantSql). FORCE applies it to the owner too, which is the role the
-- system connects as; only a superuser would bypass it, and the system never connects as one.
-- Work across tenants (reminder polling, slug lookup) sets m3.system for its transaction.

CREATE FUNCTION m3_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN nullif(current_setting('m3.tenant_id', true), '')::uuid;

CREATE FUNCTION m3_system() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce(current_setting('m3.system', true), '') = 'on';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenants', 'users', 'roles', 'groups', 'token_families', 'audit_logs', 'events', 'event_sequences', 'reminders']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = m3_current_tenant() OR m3_system()) WITH CHECK (tenant_id = m3_current_tenant() OR m3_system())', t);
    END LOOP;
END $$;
