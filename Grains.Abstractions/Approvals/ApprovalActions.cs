using System.Globalization;
using System.Text.Json;

namespace M3CoreCRM.Grains.Abstractions.Approvals;

/// <summary>What a condition compares: a number (amounts, percentages), an id, or a word (codes, currencies).</summary>
[GenerateSerializer, Alias("crm.ApprovalFieldKind")]
public enum ApprovalFieldKind
{
    Number,
    Id,
    Text,
}

/// <summary>A field of an action's input that a policy's condition may name.</summary>
[GenerateSerializer, Immutable, Alias("crm.ApprovalField")]
public sealed record ApprovalField([property: Id(0)] string Name, [property: Id(1)] ApprovalFieldKind Kind, [property: Id(2)] string Meaning);

/// <summary>The actions a policy may gate, each with the fields of its input.</summary>
public static class ApprovalActions
{
    public const string UnitReserve = "unit.reserve";
    public const string UnitSell = "unit.sell";
    public const string UnitPriceChange = "unit.price_change";
    public const string DealDiscount = "deal.discount";
    public const string DealWin = "deal.win";
    public const string LeadReassign = "lead.reassign";

    private static readonly ApprovalField[] UnitFields =
    [
        new("unitId", ApprovalFieldKind.Id, "the unit"),
        new("projectId", ApprovalFieldKind.Id, "the unit's project"),
        new("typeCode", ApprovalFieldKind.Text, "the unit's type code"),
        new("currency", ApprovalFieldKind.Text, "the price's currency"),
    ];

    private static readonly ApprovalField[] DealFields =
    [
        new("dealId", ApprovalFieldKind.Id, "the deal"),
        new("ownerId", ApprovalFieldKind.Id, "the deal's owner"),
        new("pipelineId", ApprovalFieldKind.Id, "the deal's pipeline"),
        new("value", ApprovalFieldKind.Number, "the deal's value"),
        new("currency", ApprovalFieldKind.Text, "the value's currency"),
    ];

    public static IReadOnlyDictionary<string, IReadOnlyList<ApprovalField>> Catalog { get; } = new Dictionary<string, IReadOnlyList<ApprovalField>>
    {
        [UnitReserve] = [.. UnitFields, new("dealId", ApprovalFieldKind.Id, "the deal reserving"), new("price", ApprovalFieldKind.Number, "the price it goes at (the frozen price of its hold, else the list price)")],
        [UnitSell] = [.. UnitFields, new("dealId", ApprovalFieldKind.Id, "the deal buying"), new("price", ApprovalFieldKind.Number, "the price it goes at (the frozen price of its hold, else the list price)")],
        [UnitPriceChange] =
        [
            .. UnitFields,
            new("previousPrice", ApprovalFieldKind.Number, "the list price now"),
            new("listPrice", ApprovalFieldKind.Number, "the list price asked for"),
            new("changePercent", ApprovalFieldKind.Number, "the change in percent, negative for a cut"),
        ],
        [DealDiscount] =
        [
            .. DealFields,
            new("discountPercent", ApprovalFieldKind.Number, "the discount asked for, 0 to 100"),
            new("previousDiscountPercent", ApprovalFieldKind.Number, "the discount now"),
        ],
        [DealWin] = [.. DealFields, new("discountPercent", ApprovalFieldKind.Number, "the deal's discount")],
        [LeadReassign] =
        [
            new("leadId", ApprovalFieldKind.Id, "the lead"),
            new("fromOwnerId", ApprovalFieldKind.Id, "the owner now"),
            new("toOwnerId", ApprovalFieldKind.Id, "the owner asked for"),
            new("groupId", ApprovalFieldKind.Id, "the group asked for (or the lead's group)"),
            new("source", ApprovalFieldKind.Text, "the lead's source"),
            new("status", ApprovalFieldKind.Text, "the lead's status"),
        ],
    };

    public static IReadOnlyList<string> Names { get; } = [UnitReserve, UnitSell, DealDiscount, DealWin, LeadReassign, UnitPriceChange];

    public static ApprovalField? Field(string action, string name) =>
        Catalog.TryGetValue(action, out var fields) ? fields.FirstOrDefault(f => f.Name == name) : null;
}

[GenerateSerializer, Alias("crm.ConditionOperator")]
public enum ConditionOperator
{
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Ne,
}

/// <summary>
/// A test over one field of an action's input (<c>discountPercent gt 5</c>). Numbers compare as decimals;
/// ids and words compare for equality only, ids without regard to case. A field missing from the input fails the test.
/// </summary>
[GenerateSerializer, Immutable, Alias("crm.ApprovalCondition")]
public sealed record ApprovalCondition([property: Id(0)] string Field, [property: Id(1)] ConditionOperator Op, [property: Id(2)] JsonElement Value)
{
    public bool IsMetBy(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object || !input.TryGetProperty(Field, out var actual))
        {
            return false;
        }

        if (actual.ValueKind == JsonValueKind.Number && Value.ValueKind == JsonValueKind.Number)
        {
            var comparison = actual.GetDecimal().CompareTo(Value.GetDecimal());
            return Op switch
            {
                ConditionOperator.Gt => comparison > 0,
                ConditionOperator.Gte => comparison >= 0,
                ConditionOperator.Lt => comparison < 0,
                ConditionOperator.Lte => comparison <= 0,
                ConditionOperator.Eq => comparison == 0,
                _ => comparison != 0,
            };
        }

        if (actual.ValueKind == JsonValueKind.String && Value.ValueKind == JsonValueKind.String && Op is ConditionOperator.Eq or ConditionOperator.Ne)
        {
            var equal = string.Equals(actual.GetString(), Value.GetString(), StringComparison.OrdinalIgnoreCase);
            return Op == ConditionOperator.Eq ? equal : !equal;
        }

        // A null (no group, say) equals nothing and differs from everything.
        return Op == ConditionOperator.Ne && actual.ValueKind == JsonValueKind.Null;
    }

    public override string ToString() => $"{Field} {Op.ToString().ToLowerInvariant()} {(Value.ValueKind == JsonValueKind.Number ? Value.GetDecimal().ToString(CultureInfo.InvariantCulture) : Value.ToString())}";
}
