namespace Throttling.RateLimiting;

/// <summary>
/// Several limits (10 per second <em>and</em> 1000 per hour) acquired all-or-nothing: an acquisition refused by one
/// limit spends nothing of the others.
/// </summary>
/// <remarks>
/// <see cref="System.Threading.RateLimiting.PartitionedRateLimiter.CreateChained{TResource}"/> acquires its limiters one
/// after the other and disposes the leases already taken when a later one refuses; window limiters do not take a
/// disposed lease's permit back, so every refusal spends permits of the earlier limits (dotnet/runtime#113314).
/// </remarks>
public sealed class StackedRateLimiter : TimedRateLimiter
{
    /// <summary>Creates the limiter from a copy of <paramref name="options"/>.</summary>
    /// <exception cref="System.ArgumentException"><paramref name="options"/> has no limit, or a value out of range.</exception>
    public StackedRateLimiter(StackedRateLimiterOptions options)
        : base(StackedRateLimiterOptions.LimitsOf(options), options)
    {
    }
}
