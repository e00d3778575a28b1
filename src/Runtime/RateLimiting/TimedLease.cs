using System;
using System.Collections.Generic;
using System.Threading.RateLimiting;

namespace Throttling.RateLimiting;

/// <summary>The leases of <see cref="TimedRateLimiter"/>: permits are spent by starting, so disposing returns nothing.</summary>
internal sealed class TimedLease : RateLimitLease
{
    public static readonly TimedLease Successful = new(true, null);

    private static readonly string[] RetryAfterName = { MetadataName.RetryAfter.Name };

    private readonly TimeSpan? _retryAfter;

    private TimedLease(bool isAcquired, TimeSpan? retryAfter)
    {
        IsAcquired = isAcquired;
        _retryAfter = retryAfter;
    }

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => _retryAfter is null ? Array.Empty<string>() : RetryAfterName;

    /// <summary>A refusal that says exactly when the permits will be there, when that is known.</summary>
    public static TimedLease Failed(TimeSpan? retryAfter) => new(false, retryAfter);

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is { } retryAfter && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = retryAfter;
            return true;
        }

        metadata = null;
        return false;
    }
}
