using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace M3CoreCRM.ApiHost.OpenApi;

/// <summary>
/// Request records are positional (<c>SaveLeadRequest(string? Name, string? Phone, ...)</c>), so the generator marks
/// every member required. A nullable member of a request may be left out (it binds as null: a PATCH keeps the
/// field, a create takes its default or refuses it with 400 <c>validation_failed</c>), so it is not required in
/// the document, and generated clients do not make callers send every field. Responses keep theirs: they always
/// carry every member, null or not.
/// </summary>
public static class RequestSchemas
{
    public static void LeaveNullablesOptional(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        if (context.ParameterDescription is null || schema.Required is not { Count: > 0 } required || schema.Properties is null)
        {
            return;
        }

        // The member's own annotation (a nested record's schema may not say null yet when this runs).
        var nullable = context.JsonTypeInfo.Properties.Where(member => member.IsSetNullable).Select(member => member.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, property) in schema.Properties)
        {
            if (nullable.Contains(name) || IsNullable(property))
            {
                required.Remove(name);
            }
        }
    }

    private static bool IsNullable(IOpenApiSchema property) =>
        property.Type is { } type && type.HasFlag(JsonSchemaType.Null)
        || property.OneOf?.Any(option => option.Type == JsonSchemaType.Null) == true
        || property.AnyOf?.Any(option => option.Type == JsonSchemaType.Null) == true;
}
