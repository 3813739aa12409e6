using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace M3CoreCRM.ApiHost.Conventions;

/// <summary>
/// A request field that its record always has. A PATCH may leave it out (the stored value stays) but may not
/// send it as null; fields without this mark are optional, and what null does to them is their route's choice.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NeverNullAttribute : Attribute;

/// <summary>
/// Answers a PATCH that sends a <see cref="NeverNullAttribute"/> field as null with 400 <c>validation_failed</c>
/// naming each such field (<c>filter.tags</c> inside an object), before the handler runs. Request records read a
/// left-out field and a null one alike, so without this the null would pass as "left out": 200, nothing changed.
/// Runs after the caller is resolved and the permission checked, so that they are answered first.
/// </summary>
public sealed class NeverNullGuard(RequestDelegate next, IOptions<HttpJsonOptions> json)
{
    private const string Message = "Required: leave the field out to keep its value; it cannot be null.";

    private readonly ConcurrentDictionary<Type, NeverNullField[]> _fieldsByType = new();

    public Task InvokeAsync(HttpContext context) =>
        HttpMethods.IsPatch(context.Request.Method)
        && context.Request.HasJsonContentType()
        && context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is { } type
        && _fieldsByType.GetOrAdd(type, t => FieldsOf(t, depth: 0)) is { Length: > 0 } fields
            ? CheckThenRunAsync(context, fields)
            : next(context);

    private async Task CheckThenRunAsync(HttpContext context, NeverNullField[] fields)
    {
        context.Request.EnableBuffering();
        var validation = new Validation();
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            AddNulls(validation, body.RootElement, fields, "");
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Not JSON at all, or a name that is not valid UTF-16 (a lone surrogate, found as the name is read):
            // binding answers that, as for any other route.
        }

        validation.ThrowIfInvalid();
        context.Request.Body.Position = 0;

        await next(context);
    }

    private void AddNulls(Validation validation, JsonElement value, NeverNullField[] fields, string prefix)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var comparison = json.Value.SerializerOptions.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (var property in value.EnumerateObject())
        {
            if (fields.FirstOrDefault(f => string.Equals(f.Name, property.Name, comparison)) is not { } field)
            {
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.Null && field.NeverNull)
            {
                validation.Add(prefix + field.Name, Message);
            }
            else
            {
                AddNulls(validation, property.Value, field.Inner, $"{prefix}{field.Name}.");
            }
        }
    }

    // Request records nest a few levels at most; the depth limit only guards against a type that contains itself.
    private NeverNullField[] FieldsOf(Type type, int depth)
    {
        var info = json.Value.SerializerOptions.GetTypeInfo(type);
        if (info.Kind != JsonTypeInfoKind.Object || depth > 4)
        {
            return [];
        }

        return [.. info.Properties
            .Select(p => new NeverNullField(
                p.Name,
                p.AttributeProvider?.IsDefined(typeof(NeverNullAttribute), inherit: false) == true,
                FieldsOf(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType, depth + 1)))
            .Where(f => f.NeverNull || f.Inner.Length > 0)];
    }

    private sealed record NeverNullField(string Name, bool NeverNull, NeverNullField[] Inner);
}
