namespace Throttling.RateLimiting;

/// <summary>The options of a <see cref="SmoothTokenBucketLimiter"/>: <c>PermitLimit</c> is the bucket, refilled over <c>Window</c>.</summary>
public sealed class SmoothTokenBucketLimiterOptions : PermitsPerWindowOptions
{
}
