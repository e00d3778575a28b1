using System;

namespace Throttling;

/// <summary>
/// Passes this method straight to the inner client: it takes no slot and no rate permit and is never retried.
/// For health checks and other calls the provider does not count.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class UnthrottledAttribute : Attribute
{
}
