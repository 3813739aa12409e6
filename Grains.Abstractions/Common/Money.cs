namespace M3CoreCRM.Grains.Abstractions.Common;

/// <summary>An amount in an ISO 4217 currency. Amounts are decimals: money is never a binary float.</summary>
[GenerateSerializer, Immutable, Alias("crm.Money")]
public sealed record Money([property: Id(0)] decimal Amount, [property: Id(1)] string Currency);
