using System.Collections.Concurrent;
using M3CoreCRM.Grains.Abstractions.Tenancy;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace M3CoreCRM.Silo.Hosting;

/// <summary>
/// The cluster's default placement (ARCHITECTURE rule 7): every grain of a tenant lives on the silo its tenant hashes
/// to among the live silos, so a tenant's grain-to-grain calls (a unit asking its approval gate, a lead its queue,
/// every grain its event relay) stay in one process. Grains that name their own placement keep it.
/// </summary>
[GenerateSerializer, Immutable, Alias("m3.tenant-placement")]
public sealed class TenantPlacement : PlacementStrategy
{
    /// <summary>The setting that chooses placement: <c>tenant</c> (the default) or <c>orleans</c> (Orleans' own default, for comparison).</summary>
    public const string SettingKey = "Placement";

    /// <summary>
    /// The silo of <paramref name="grainId"/>'s tenant among <paramref name="silos"/>: the one with the highest
    /// rendezvous score, so when a silo joins or leaves only the tenants it gains or held move. A grain without a
    /// tenant in its key hashes on its own identity.
    /// </summary>
    public static SiloAddress SiloOf(GrainId grainId, IReadOnlyList<SiloAddress> silos)
    {
        var key = TenantOf(grainId) is { } tenant ? Hash(tenant) : grainId.GetUniformHashCode();
        var best = silos[0];
        var bestScore = Score(key, best);
        for (var i = 1; i < silos.Count; i++)
        {
            var score = Score(key, silos[i]);
            if (score > bestScore || (score == bestScore && silos[i].CompareTo(best) > 0))
            {
                (best, bestScore) = (silos[i], score);
            }
        }

        return best;
    }

    /// <summary>The tenant of a domain grain (the key extension), or of a grain keyed by the tenant itself (the notification dispatcher).</summary>
    public static Guid? TenantOf(GrainId grainId)
    {
        if (grainId.TryGetTenantKey(out var tenant, out _))
        {
            return tenant;
        }

        return grainId.TryGetGuidKey(out var key, out var extension) && extension is null ? key : null;
    }

    private static ulong Hash(Guid tenant)
    {
        Span<byte> bytes = stackalloc byte[16];
        tenant.TryWriteBytes(bytes);
        return Mix(BitConverter.ToUInt64(bytes) ^ Mix(BitConverter.ToUInt64(bytes[8..])));
    }

    private static ulong Score(ulong key, SiloAddress silo) => Mix(key ^ ((ulong)(uint)silo.GetConsistentHashCode() * 0x9E3779B97F4A7C15UL));

    // SplitMix64's finaliser: every input bit moves about half the output bits.
    private static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}

/// <summary>Places a new activation on its tenant's silo (<see cref="TenantPlacement.SiloOf"/>) among the compatible ones.</summary>
internal sealed class TenantPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        return Task.FromResult(IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) ?? TenantPlacement.SiloOf(target.GrainIdentity, silos));
    }
}

/// <summary>
/// Re-places a tenant's grains when membership changes: an activation that is called on a silo that is no longer its
/// tenant's (a silo joined, or one that left came back) migrates there once idle, carrying its state. Activations
/// left idle are collected and placed afresh on their next call.
/// </summary>
internal sealed class TenantRebalanceFilter(IClusterMembershipService membership, ILocalSiloDetails localSilo) : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<Type, bool> _tenantPlaced = new();
    private readonly Lock _refresh = new();
    private View _view = new(MembershipVersion.MinValue, []);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var view = CurrentView();
        if (view.Silos.Length > 1
            && context.TargetContext is { GrainInstance: { } instance } target
            && _tenantPlaced.GetOrAdd(instance.GetType(), IsTenantPlaced)
            && TenantPlacement.TenantOf(target.GrainId) is { } tenant
            && !view.IsHere(tenant, target.GrainId, localSilo.SiloAddress))
        {
            target.Migrate(requestContext: null);
        }

        return context.Invoke();
    }

    private View CurrentView()
    {
        var snapshot = membership.CurrentSnapshot;
        var view = Volatile.Read(ref _view);
        if (snapshot.Version == view.Version)
        {
            return view;
        }

        lock (_refresh)
        {
            if (_view.Version != snapshot.Version)
            {
                var silos = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray();
                Volatile.Write(ref _view, new View(snapshot.Version, silos));
            }

            return _view;
        }
    }

    private static bool IsTenantPlaced(Type grainClass) =>
        grainClass.Namespace?.StartsWith("M3CoreCRM.", StringComparison.Ordinal) == true
        && grainClass.GetCustomAttributes(typeof(PlacementAttribute), inherit: true).Length == 0;

    /// <summary>The active silos of one membership version, and which tenants belong to this silo in it.</summary>
    private sealed class View(MembershipVersion version, SiloAddress[] silos)
    {
        private readonly ConcurrentDictionary<Guid, bool> _here = new();

        public MembershipVersion Version { get; } = version;

        public SiloAddress[] Silos { get; } = silos;

        public bool IsHere(Guid tenant, GrainId grainId, SiloAddress local) =>
            _here.GetOrAdd(tenant, static (_, state) => TenantPlacement.SiloOf(state.GrainId, state.Silos).Equals(state.Local), (GrainId: grainId, Silos, Local: local));
    }
}
