namespace M3CoreCRM.Runtime.Errors;

/// <summary>
/// A state write lost a version race: another writer committed first. The activation has
/// already reloaded the stored state; the caller may retry the whole request.
/// </summary>
public sealed class StorageConflictException(string message) : Exception(message);
