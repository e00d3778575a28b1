using System;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>
/// A rule's per-compilation state (well-known symbols and caches), built on the rule's first callback rather than at
/// compilation start. Resolving a type by metadata name merges the namespaces of every referenced assembly; at
/// compilation start that work falls on whichever analyzer asks first, while by the first operation callback the
/// compiler has done it for its own binding, and it costs next to nothing.
/// </summary>
internal sealed class LazyAnalysis<T>
    where T : class
{
    private readonly Lazy<T?> _value;

    public LazyAnalysis(Compilation compilation, Func<Compilation, T?> create)
        => _value = new Lazy<T?>(() => create(compilation), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The state; null when the compilation lacks what the rule needs.</summary>
    public T? Value => _value.Value;
}
