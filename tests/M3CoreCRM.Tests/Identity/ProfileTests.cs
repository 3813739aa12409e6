using System.Net;
using M3CoreCRM.Grains.Notifications;
using M3CoreCRM.Tests.Api;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Tests.Identity;

[Collection(PostgresCollection.Name)]
public sealed class ProfileTests(PostgresFixture postgres) : ApiTestBase(postgres)
{
    [Fact]
    public async Task ProfileChangeOfMobileNeedsANewVerificationBySms()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var updated = await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/me", new { name = "Olivia O.", mobile = "+971501234567" }, HttpStatusCode.OK);
        Assert.Equal("Olivia O.", updated.GetProperty("name").GetString());
        Assert.False(updated.GetProperty("mobileVerified").GetBoolean());

        Assert.Equal(HttpStatusCode.Accepted, (await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/mobile/request")).StatusCode);
        var sms = Api.Services.GetRequiredService<DevelopmentOutbox>().Sent.Last(m => m.Channel == "sms" && m.To == "+971501234567");
        var code = sms.Body.Split("code: ")[1][..6];
        var confirmed = await tenant.SendJsonAsync(HttpMethod.Post, "/api/v1/auth/verify/mobile/confirm", new { code }, HttpStatusCode.OK);

        Assert.True(confirmed.GetProperty("mobileVerified").GetBoolean());
        var audit = await tenant.GetJsonAsync($"/api/v1/audit-logs?entityId={tenant.UserId}&action=user.verified");
        Assert.Single(audit.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("me", new[] { "name" })]
    [InlineData("tenant", new[] { "name", "settings" })]
    public async Task APatchSettingARequiredFieldToNullIsRefusedAndChangesNothing(string route, string[] fields)
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        await tenant.AssertNullIsRefusedAsync($"/api/v1/{route}", fields);

        // The profile's optional mobile may still be sent as null.
        await tenant.SendJsonAsync(HttpMethod.Patch, "/api/v1/me", new { mobile = (string?)null }, HttpStatusCode.OK);
    }

    [Fact]
    public async Task MalformedMobileAndUnknownChannelAreRefused()
    {
        var tenant = await TenantSession.SignUpAsync(Http);

        var badMobile = await tenant.SendAsync(HttpMethod.Patch, "/api/v1/me", new { mobile = "0501234567" });
        var noMobile = await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/mobile/request");
        var unknown = await tenant.SendAsync(HttpMethod.Post, "/api/v1/auth/verify/pigeon/request");

        var problem = await ErrorFormatTests.AssertProblemAsync(badMobile, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("mobile", out _));
        await ErrorFormatTests.AssertProblemAsync(noMobile, HttpStatusCode.BadRequest, "validation_failed");
        await ErrorFormatTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "not_found");
    }
}
