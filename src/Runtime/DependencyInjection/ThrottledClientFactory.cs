using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Throttling;

/// <summary>
/// How <c>AddThrottled&lt;TClient&gt;()</c> finds the generated decorator of <typeparamref name="TClient"/> without
/// reflection: the generated code registers itself here from a module initializer.
/// </summary>
/// <typeparam name="TClient">The client interface.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ThrottledClientFactory<TClient>
    where TClient : class
{
    private static Registration? s_registration;

    /// <summary>Registers the generated decorator; called by generated code.</summary>
    /// <param name="policy">The client's compiled-in policy.</param>
    /// <param name="create">Wraps an inner client with a budget.</param>
    public static void Register(ThrottlingPolicy policy, Func<TClient, ClientThrottle, TClient> create)
        => s_registration = new Registration(policy ?? throw new ArgumentNullException(nameof(policy)), create ?? throw new ArgumentNullException(nameof(create)));

    internal static ThrottlingPolicy Policy => GetRegistration().Policy;

    internal static TClient Create(TClient inner, ThrottlingRegistry registry, string? scope)
    {
        Registration registration = GetRegistration();
        return registration.Create(inner, registry.GetOrCreate(registration.Policy, scope));
    }

    internal static Registration GetRegistration()
    {
        if (s_registration is null)
        {
            // The module initializer of the interface's assembly registers the decorator; make sure it has run.
            RuntimeHelpers.RunModuleConstructor(typeof(TClient).Module.ModuleHandle);
        }

        return s_registration ?? throw new InvalidOperationException(
            $"No throttled decorator was generated for {typeof(TClient).FullName}. Put [Slots] or [RateLimit] on the interface " +
            "and reference the Throttling package, with C# 9 or later, in the project that declares it. (Generic interfaces, and " +
            "interfaces nested private to a type, are not registered: construct their Throttled client yourself.)");
    }

    internal sealed class Registration
    {
        public Registration(ThrottlingPolicy policy, Func<TClient, ClientThrottle, TClient> create)
        {
            Policy = policy;
            Create = create;
        }

        public ThrottlingPolicy Policy { get; }

        public Func<TClient, ClientThrottle, TClient> Create { get; }
    }
}
