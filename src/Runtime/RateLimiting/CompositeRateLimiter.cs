using System;
using System.Collections.Generic;

namespace Throttling;

/// <summary>
/// Several limits (10 per second <em>and</em> 1000 per hour) acquired all-or-nothing: an acquisition refused by one
/// limit spends nothing of the others.
/// </summary>
/// <remarks>
/// <see cref="System.Threading.RateLimiting.PartitionedRateLimiter.CreateChained{TResource}"/> acquires its limiters one
/// after the other and disposes the leases already taken when a later one refuses; window limiters do not take a
/// disposed lease's permit back, so every refusal spends permits of the earlier limits (dotnet/runtime#113314).
/// </remarks>
public sealed class CompositeRateLimiter : TimedRateLimiter
{
    /// <summary>Creates the limiter.</summary>
    /// <param name="limits">The limits every acquisition must pass; at least one.</param>
    /// <param name="queueLimit">Permits that may wait in <c>AcquireAsync</c>; unbounded by default.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    public CompositeRateLimiter(IEnumerable<RateLimitPolicy> limits, int queueLimit = int.MaxValue, TimeProvider? timeProvider = null)
        : base(limits, queueLimit, timeProvider)
    {
    }
}
