using M3CoreCRM.Grains.Persistence;
using M3CoreCRM.Tests.Identity;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace M3CoreCRM.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class RowLevelSecurityTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    private static readonly string[] TenantTables = ["tenants", "users", "roles", "groups", "token_families", "audit_logs", "events", "event_positions"];

    [Fact]
    public async Task RawQueryWithoutTheTenantSettingSeesNothing()
    {
        var tenant = await TenantSession.SignUpAsync(Http);
        await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/groups", new { name = "Some team", memberIds = new[] { tenant.UserId } }, System.Net.HttpStatusCode.Created);
        var db = Api.Services.GetRequiredService<NpgsqlDataSource>();
        await AssertNotSuperuserAsync(db);

        foreach (var table in TenantTables)
        {
            await using var unscoped = db.CreateCommand($"SELECT count(*) FROM {table}");
            Assert.Equal(0L, await unscoped.ExecuteScalarAsync());

            await using var scoped = db.ForTenant(tenant.TenantId);
            scoped.Add($"SELECT count(*) FROM {table} WHERE tenant_id = $1").With(tenant.TenantId);
            Assert.True((long)(await scoped.ScalarAsync(CancellationToken.None))! > 0, $"{table} has no rows for the tenant even with the setting");
        }
    }

    [Fact]
    public async Task ScopedQueryCannotSeeOrWriteAnotherTenantsRows()
    {
        var a = await TenantSession.SignUpAsync(Http);
        var b = await TenantSession.SignUpAsync(Http);
        var db = Api.Services.GetRequiredService<NpgsqlDataSource>();

        await using var read = db.ForTenant(b.TenantId);
        read.Add("SELECT count(*) FROM users WHERE tenant_id = $1").With(a.TenantId);
        Assert.Equal(0L, await read.ScalarAsync(CancellationToken.None));

        await using var write = db.ForTenant(b.TenantId);
        write.Add("INSERT INTO audit_logs (tenant_id, action) VALUES ($1, 'forged')").With(a.TenantId);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteAsync(CancellationToken.None));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task EveryTableWithATenantIdHasForcedRowLevelSecurity()
    {
        var db = Api.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r'
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
              AND NOT (c.relrowsecurity AND c.relforcerowsecurity AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
            ORDER BY 1
            """);
        var unprotected = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                unprotected.Add(reader.GetString(0));
            }
        }

        Assert.Empty(unprotected);
    }

    private static async Task AssertNotSuperuserAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user");
        Assert.False((bool)(await command.ExecuteScalarAsync())!, "The tests connect as a role that bypasses row-level security; use a non-superuser role.");
    }
}
