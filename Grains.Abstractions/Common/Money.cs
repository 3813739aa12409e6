namespace M3CoreCRM.Grains.Abstractions.Common;

/// <summary>An amount in an ISO 4217 currency. Amounts are decimals: money is never a binary float.</summary>
public sealed record Money(decimal Amount, string Currency);
