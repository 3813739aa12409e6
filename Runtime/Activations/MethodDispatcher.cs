using System.Linq.Expressions;
using System.Reflection;
using M3CoreCRM.Runtime.Grains;

namespace M3CoreCRM.Runtime.Activations;

/// <summary>
/// One grain interface method, compiled once: how to call it on a grain instance, whether it is
/// read-only, and the name its errors use. Methods returning <see cref="Task"/> run as
/// <see cref="Task{Object}"/> with a null result.
/// </summary>
internal abstract class MethodDispatcher(string name, bool isReadOnly)
{
    public string Name { get; } = name;

    public bool IsReadOnly { get; } = isReadOnly;

    /// <summary>The interface method, for calls that cross a process: its parameter types read the arguments.</summary>
    public MethodInfo Method { get; private set; } = null!;

    /// <summary>What the call returns (null for a plain <see cref="Task"/>).</summary>
    public abstract Type? ResultType { get; }

    /// <summary>Sends the call through the router and returns the task the proxy hands back to the caller.</summary>
    public abstract object Send(IGrainCallRouter router, GrainId grainId, object?[] arguments);

    /// <summary>Sends the call and returns its result as an object (for a remote caller).</summary>
    public abstract Task<object?> SendBoxedAsync(IGrainCallRouter router, GrainId grainId, object?[] arguments);

    public static MethodDispatcher Create(Type grainInterface, MethodInfo method)
    {
        var dispatcher = CreateFor(grainInterface, method);
        dispatcher.Method = method;
        return dispatcher;
    }

    private static MethodDispatcher CreateFor(Type grainInterface, MethodInfo method)
    {
        var returnType = method.ReturnType;
        var name = $"{grainInterface.Name}.{method.Name}";
        var isReadOnly = method.GetCustomAttribute<ReadOnlyAttribute>() is not null;
        if (returnType == typeof(Task))
        {
            return new MethodDispatcher<object?>(name, isReadOnly, Compile<Task, Task<object?>>(grainInterface, method, AsNullResult));
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var resultType = returnType.GetGenericArguments()[0];
            var create = typeof(MethodDispatcher).GetMethod(nameof(CreateTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(resultType);
            return (MethodDispatcher)create.Invoke(null, [name, isReadOnly, grainInterface, method])!;
        }

        throw new InvalidOperationException($"Grain method {name} returns {returnType.Name}; grain methods return Task or Task<T>.");
    }

    private static MethodDispatcher<TResult> CreateTyped<TResult>(string name, bool isReadOnly, Type grainInterface, MethodInfo method) =>
        new(name, isReadOnly, Compile<Task<TResult>, Task<TResult>>(grainInterface, method, null));

    // (grain, args) => wrap(((IGrainInterface)grain).Method((T0)args[0], (T1)args[1], ...))
    private static Func<object, object?[], TOut> Compile<TIn, TOut>(Type grainInterface, MethodInfo method, Func<TIn, TOut>? wrap)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var parameters = method.GetParameters()
            .Select((p, i) => Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType));
        Expression call = Expression.Call(Expression.Convert(grain, grainInterface), method, parameters);
        if (wrap is not null)
        {
            call = Expression.Invoke(Expression.Constant(wrap), call);
        }

        return Expression.Lambda<Func<object, object?[], TOut>>(call, grain, arguments).Compile();
    }

    private static Task<object?> AsNullResult(Task task)
    {
        return task.IsCompletedSuccessfully ? NullResult : Await(task);

        static async Task<object?> Await(Task task)
        {
            await task;
            return null;
        }
    }

    private static readonly Task<object?> NullResult = Task.FromResult<object?>(null);
}

internal sealed class MethodDispatcher<TResult>(string name, bool isReadOnly, Func<object, object?[], Task<TResult>> invoke)
    : MethodDispatcher(name, isReadOnly)
{
    public override Type? ResultType => Method.ReturnType == typeof(Task) ? null : typeof(TResult);

    public Task<TResult> Invoke(object grain, object?[] arguments) => invoke(grain, arguments);

    public override object Send(IGrainCallRouter router, GrainId grainId, object?[] arguments) =>
        router.InvokeAsync(grainId, this, arguments);

    public override async Task<object?> SendBoxedAsync(IGrainCallRouter router, GrainId grainId, object?[] arguments) =>
        await router.InvokeAsync(grainId, this, arguments);
}

/// <summary>Where grain calls go: to the local catalog, or (in a cluster) to the silo that owns the tenant.</summary>
internal interface IGrainCallRouter
{
    Task<TResult> InvokeAsync<TResult>(GrainId grainId, MethodDispatcher<TResult> method, object?[] arguments);
}
