using System.Text.Json;
using M3CoreCRM.Runtime.Errors;
using M3CoreCRM.Runtime.Events;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Persistence;

/// <summary>Write-through state bound to one activation.</summary>
internal sealed class PersistentState<TState>(string table, GrainId grainId, IGrainStorage storage, Action onUnknownState)
    : IPersistentState<TState>, IActivationState
    where TState : class, new()
{
    public TState State { get; set; } = new();

    public long Version { get; private set; }

    public string? Etag => Version == 0 ? null : Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool RecordExists => Version > 0;

    public async Task ReadStateAsync()
    {
        var stored = await storage.ReadAsync(table, grainId, CancellationToken.None);
        State = stored is { } row ? JsonSerializer.Deserialize<TState>(row.Json, GrainJson.Options) ?? new TState() : new TState();
        Version = stored?.Version ?? 0;
    }

    public Task WriteStateAsync() => WriteStateAsync([]);

    public async Task WriteStateAsync(IReadOnlyList<GrainEvent> events)
    {
        var json = JsonSerializer.Serialize(State, GrainJson.Options);
        try
        {
            Version = await storage.WriteAsync(table, grainId, json, Version, events, CancellationToken.None);
        }
        catch (NotOwnerException)
        {
            // Another silo owns the tenant now: this activation must not serve it any more.
            onUnknownState();
            throw;
        }
        catch (Exception)
        {
            await ReloadAfterFailureAsync();
            throw;
        }
    }

    public async Task ClearStateAsync()
    {
        try
        {
            if (Version > 0)
            {
                await storage.ClearAsync(table, grainId, Version, CancellationToken.None);
            }

            State = new TState();
            Version = 0;
        }
        catch (Exception)
        {
            await ReloadAfterFailureAsync();
            throw;
        }
    }

    // After a failed write the in-memory state must be the stored one. If even the reload fails,
    // the activation cannot know what is stored, so it is retired and the next call starts afresh.
    private async Task ReloadAfterFailureAsync()
    {
        try
        {
            await ReadStateAsync();
        }
        catch (Exception)
        {
            onUnknownState();
        }
    }

    Task IActivationState.LoadAsync() => ReadStateAsync();
}

/// <summary>What the activation needs of each of its states: to load it before <c>OnActivateAsync</c>.</summary>
internal interface IActivationState
{
    Task LoadAsync();
}

/// <summary>Creates the state objects a grain constructor asks for with <see cref="PersistentStateAttribute"/>.</summary>
internal static class PersistentStateFactory
{
    public static IActivationState Create(Type stateType, string table, GrainId grainId, IGrainStorage storage, Action onUnknownState) =>
        (IActivationState)Activator.CreateInstance(
            typeof(PersistentState<>).MakeGenericType(stateType), table, grainId, storage, onUnknownState)!;
}
