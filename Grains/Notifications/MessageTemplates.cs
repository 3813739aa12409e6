using System.Net;

namespace M3CoreCRM.Grains.Notifications;

/// <summary>The texts of the messages the CRM sends to people, as plain text and, for email, HTML.</summary>
public static class MessageTemplates
{
    public static OutgoingMessage Invitation(Guid tenantId, Guid userId, string email, string token, double lifetimeDays)
    {
        var text = $"Accept the invitation within {lifetimeDays:0} days with this token: {token}";
        return new OutgoingMessage("email", email, "You are invited to M3CoreCRM", text)
        {
            TenantId = tenantId,
            Key = $"invitation:{userId}",
            Html = Html("You are invited to M3CoreCRM", $"<p>Accept the invitation within {lifetimeDays:0} days with this token:</p><p><code>{Encode(token)}</code></p>"),
        };
    }

    public static OutgoingMessage VerificationEmail(Guid tenantId, string email, string code) =>
        new("email", email, "Your verification code", $"Your M3CoreCRM verification code is {code}. It expires in 15 minutes.")
        {
            TenantId = tenantId,
            Html = Html("Your verification code", $"<p>Your M3CoreCRM verification code is <strong>{Encode(code)}</strong>. It expires in 15 minutes.</p>"),
        };

    public static OutgoingMessage VerificationSms(Guid tenantId, string mobile, string code) =>
        new("sms", mobile, "Verification code", $"M3CoreCRM code: {code}") { TenantId = tenantId };

    /// <summary>A sign-in's second factor; <paramref name="challengeKey"/> makes it one delivery per challenge.</summary>
    public static OutgoingMessage SignInSms(Guid tenantId, Guid userId, string mobile, string code, string challengeKey) =>
        new("sms", mobile, "Sign-in code", $"M3CoreCRM sign-in code: {code}. It expires in 5 minutes; nobody from M3CoreCRM will ask you for it.")
        {
            TenantId = tenantId,
            Key = $"sign-in:{userId:N}:{challengeKey}",
        };

    public static OutgoingMessage Notification(Guid tenantId, Guid notificationId, string channel, string to, string title, string body) =>
        new(channel, to, title, body)
        {
            TenantId = tenantId,
            Key = $"notification:{notificationId}",
            Html = channel == "email" ? Html(title, $"<p>{Encode(body)}</p>") : null,
        };

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Html(string title, string content) =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{Encode(title)}</title></head>" +
        $"<body style=\"font-family:sans-serif\"><h1 style=\"font-size:18px\">{Encode(title)}</h1>{content}</body></html>";
}
