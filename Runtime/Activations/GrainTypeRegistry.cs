using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using M3CoreCRM.Runtime.Grains;
using M3CoreCRM.Runtime.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace M3CoreCRM.Runtime.Activations;

/// <summary>A grain class: its type name, its interfaces' methods, and the states its constructor asks for.</summary>
internal sealed class GrainClass(string typeName, Type classType, IReadOnlyList<GrainClass.StateSlot> states)
{
    private readonly ObjectFactory _factory = ActivatorUtilities.CreateFactory(
        classType, [.. states.Select(s => typeof(IPersistentState<>).MakeGenericType(s.StateType))]);

    public string TypeName { get; } = typeName;

    public Type ClassType { get; } = classType;

    public IReadOnlyList<StateSlot> States { get; } = states;

    public bool IsRemindable { get; } = typeof(IRemindable).IsAssignableFrom(classType);

    /// <summary>A new instance, its state parameters given, everything else from the container.</summary>
    public Grain Create(IServiceProvider services, object[] states) => (Grain)_factory(services, states);

    /// <summary>A constructor parameter <c>[PersistentState("table")] IPersistentState&lt;T&gt;</c>.</summary>
    public sealed record StateSlot(Type StateType, string Table);
}

/// <summary>
/// Every grain class of the given assemblies, found once at start-up: which class implements
/// which grain interface (exactly one per interface), under which type name, and the compiled
/// dispatcher of every interface method.
/// </summary>
internal sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<Type, GrainClass> _byInterface;
    private readonly FrozenDictionary<string, GrainClass> _byTypeName;
    private readonly ConcurrentDictionary<MethodInfo, MethodDispatcher> _dispatchers = new();
    private readonly Dictionary<(string Interface, string Method), MethodDispatcher> _byName = [];

    public GrainTypeRegistry(IEnumerable<Assembly> assemblies)
    {
        var byInterface = new Dictionary<Type, GrainClass>();
        var byTypeName = new Dictionary<string, GrainClass>(StringComparer.Ordinal);
        foreach (var type in assemblies.Distinct().SelectMany(a => a.GetTypes()))
        {
            if (type.IsAbstract || !typeof(Grain).IsAssignableFrom(type))
            {
                continue;
            }

            var grainClass = Describe(type);
            if (!byTypeName.TryAdd(grainClass.TypeName, grainClass))
            {
                throw new InvalidOperationException($"Grain classes {byTypeName[grainClass.TypeName].ClassType.Name} and {type.Name} share the type name '{grainClass.TypeName}'.");
            }

            foreach (var grainInterface in type.GetInterfaces().Where(i => typeof(IGrain).IsAssignableFrom(i) && i != typeof(IGrain)))
            {
                if (!byInterface.TryAdd(grainInterface, grainClass))
                {
                    throw new InvalidOperationException($"Grain interface {grainInterface.Name} is implemented by both {byInterface[grainInterface].ClassType.Name} and {type.Name}.");
                }

                foreach (var method in AllMethods(grainInterface))
                {
                    var dispatcher = MethodDispatcher.Create(method.DeclaringType!, method);
                    _dispatchers[method] = dispatcher;

                    // Calls that cross a process name the method by interface and name: grain interfaces do not overload.
                    var key = (method.DeclaringType!.FullName!, method.Name);
                    if (_byName.TryGetValue(key, out var other) && other.Method != method)
                    {
                        throw new InvalidOperationException($"Grain interface {method.DeclaringType.Name} overloads {method.Name}; grain methods need distinct names.");
                    }

                    _byName[key] = dispatcher;
                }
            }
        }

        _byInterface = byInterface.ToFrozenDictionary();
        _byTypeName = byTypeName.ToFrozenDictionary(StringComparer.Ordinal);
        ReminderDispatcher = (MethodDispatcher<object?>)MethodDispatcher.Create(typeof(IRemindable), typeof(IRemindable).GetMethod(nameof(IRemindable.ReceiveReminderAsync))!);
    }

    /// <summary>The dispatcher that delivers reminders to <see cref="IRemindable"/> grain classes.</summary>
    public MethodDispatcher<object?> ReminderDispatcher { get; }

    public GrainClass ForInterface(Type grainInterface) => _byInterface.TryGetValue(grainInterface, out var grainClass)
        ? grainClass
        : throw new InvalidOperationException($"No grain class implements {grainInterface.Name}; is its assembly registered with the runtime?");

    public bool TryGetByTypeName(string typeName, out GrainClass grainClass) => _byTypeName.TryGetValue(typeName, out grainClass!);

    public GrainClass ForTypeName(string typeName) => TryGetByTypeName(typeName, out var grainClass)
        ? grainClass
        : throw new InvalidOperationException($"No grain class has the type name '{typeName}'.");

    public MethodDispatcher Dispatcher(MethodInfo interfaceMethod) => _dispatchers.TryGetValue(interfaceMethod, out var dispatcher)
        ? dispatcher
        : throw new InvalidOperationException($"{interfaceMethod.DeclaringType?.Name}.{interfaceMethod.Name} is not a method of a registered grain interface.");

    /// <summary>The dispatcher of a method named across a process boundary.</summary>
    public bool TryGetDispatcher(string grainInterface, string method, out MethodDispatcher dispatcher) =>
        _byName.TryGetValue((grainInterface, method), out dispatcher!);

    public static string TypeNameOf(Type grainClass) =>
        grainClass.GetCustomAttribute<GrainTypeAttribute>()?.Name
        ?? (grainClass.Name.EndsWith("Grain", StringComparison.Ordinal) ? grainClass.Name[..^5] : grainClass.Name).ToLowerInvariant();

    private static GrainClass Describe(Type type)
    {
        var constructors = type.GetConstructors();
        if (constructors.Length != 1)
        {
            throw new InvalidOperationException($"Grain class {type.Name} must have exactly one public constructor.");
        }

        var states = new List<GrainClass.StateSlot>();
        foreach (var parameter in constructors[0].GetParameters())
        {
            var attribute = parameter.GetCustomAttribute<PersistentStateAttribute>();
            var isState = parameter.ParameterType.IsGenericType && parameter.ParameterType.GetGenericTypeDefinition() == typeof(IPersistentState<>);
            if (attribute is null != !isState)
            {
                throw new InvalidOperationException($"Grain class {type.Name}: parameter '{parameter.Name}' must be an IPersistentState<T> marked [PersistentState(\"table\")], or neither.");
            }

            if (attribute is not null)
            {
                states.Add(new GrainClass.StateSlot(parameter.ParameterType.GetGenericArguments()[0], attribute.Table));
            }
        }

        return new GrainClass(TypeNameOf(type), type, states);
    }

    // Interface methods include those of inherited grain interfaces.
    private static IEnumerable<MethodInfo> AllMethods(Type grainInterface) =>
        grainInterface.GetMethods().Concat(grainInterface.GetInterfaces().Where(i => i != typeof(IGrain)).SelectMany(i => i.GetMethods()));
}
