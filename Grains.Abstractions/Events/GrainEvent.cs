using System.Text.Json;

namespace M3CoreCRM.Grains.Abstractions.Events;

/// <summary>
/// A domain event a grain write carries (for example <c>unit.status_changed</c>). It is appended
/// to the tenant's event log and recorded in the audit log, both in the write's transaction.
/// </summary>
/// <param name="Type">The event type, as the contract names it.</param>
/// <param name="EntityType">The kind of record the event is about (<c>lead</c>, <c>unit</c>, ...).</param>
/// <param name="EntityId">The record's id.</param>
/// <param name="Data">The payload, serialised as camelCase JSON.</param>
/// <param name="Changes">For the audit log: each changed field's value before and after (secrets never included).</param>
public sealed record GrainEvent(string Type, string EntityType, Guid EntityId, object Data, IReadOnlyDictionary<string, FieldChange>? Changes = null);

/// <summary>A field's value before and after a change.</summary>
public sealed record FieldChange(object? Before, object? After);

/// <summary>An event as stored: its place in the tenant's sequence, its JSON payload, and who caused it (null for the system, such as an expiry).</summary>
[GenerateSerializer, Immutable, Alias("crm.StoredEvent")]
public sealed record StoredEvent(
    [property: Id(0)] Guid TenantId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string Type,
    [property: Id(3)] string EntityType,
    [property: Id(4)] Guid EntityId,
    [property: Id(5)] JsonElement Data,
    [property: Id(6)] DateTimeOffset OccurredAt,
    [property: Id(7)] Guid? ActorId = null);
