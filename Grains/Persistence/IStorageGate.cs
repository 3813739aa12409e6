namespace M3CoreCRM.Grains.Persistence;

/// <summary>Completes once storage may be used (for the silo: when the migrations are applied).</summary>
public interface IStorageGate
{
    Task WhenReadyAsync(CancellationToken cancellationToken);
}

public sealed class OpenStorageGate : IStorageGate
{
    public Task WhenReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
