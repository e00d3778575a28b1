using System;
using System.Collections.Generic;
using System.Linq;

namespace Throttling;

/// <summary>
/// Everything that shapes one client's traffic: its slots, its rate limits, its backoff, what individual methods add,
/// and how to recognize that the server throttled a call. Generated clients expose theirs as <c>Throttled{Name}.Policy</c>.
/// </summary>
public sealed class ThrottlingPolicy
{
    /// <summary>
    /// The default <see cref="RecordingDelayCap"/>: a request reaches a server within a second of being sent in all but
    /// pathological networks.
    /// </summary>
    public static readonly TimeSpan DefaultRecordingDelayCap = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, MethodPolicy> _methods;

    /// <summary>Creates a policy.</summary>
    /// <param name="name">The client's name: the key of its budget, its configuration section and its metrics.</param>
    /// <param name="slots">Bounds calls in flight; null for no bound.</param>
    /// <param name="rateLimits">Bounds call starts per window; every limit must allow a start.</param>
    /// <param name="backoff">How 429s are retried; <see cref="BackoffPolicy.Default"/> when null.</param>
    /// <param name="methods">What individual methods add.</param>
    /// <param name="exceptionDetector">
    /// Recognizes throttling exceptions beyond the built-in ones of <see cref="ServerThrottle"/> (the generator adds Refit's
    /// <c>ApiException</c> and gRPC's <c>RpcException</c> when the compilation references them).
    /// </param>
    public ThrottlingPolicy(
        string name,
        SlotPolicy? slots = null,
        IEnumerable<RateLimitPolicy>? rateLimits = null,
        BackoffPolicy? backoff = null,
        IEnumerable<MethodPolicy>? methods = null,
        ThrottleDetector<Exception>? exceptionDetector = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A client needs a name.", nameof(name));
        }

        Name = name;
        Slots = slots;
        RateLimits = rateLimits?.ToArray() ?? Array.Empty<RateLimitPolicy>();
        Backoff = backoff ?? BackoffPolicy.Default;
        _methods = (methods ?? Enumerable.Empty<MethodPolicy>()).ToDictionary(m => m.Key, StringComparer.Ordinal);
        ExceptionDetector = exceptionDetector;
    }

    /// <summary>The client's name: the key of its budget, its configuration section and its metrics.</summary>
    public string Name { get; }

    /// <summary>Bounds calls in flight; null for no bound.</summary>
    public SlotPolicy? Slots { get; }

    /// <summary>Bounds call starts per window.</summary>
    public IReadOnlyList<RateLimitPolicy> RateLimits { get; }

    /// <summary>How 429s are retried, unless a method says otherwise.</summary>
    public BackoffPolicy Backoff { get; }

    /// <summary>What individual methods add, by method key.</summary>
    public IReadOnlyDictionary<string, MethodPolicy> Methods => _methods;

    /// <summary>Recognizes throttling exceptions beyond the built-in ones.</summary>
    public ThrottleDetector<Exception>? ExceptionDetector { get; }

    /// <summary>
    /// The latest, after a call is invoked, that its start is dated (at its response if that comes sooner). A server
    /// counts a request when it arrives; dating the start no earlier than that keeps a client whose limits match the
    /// server's clear of 429s wherever a request waited (in <c>HttpClient</c>'s connection pool, for an HTTP/2 stream, on
    /// the network). The cost: each start holds its permit for up to this long before its window begins, so a limit of N
    /// per window W yields at most W / (W + min(L, cap)) of N for calls of length L. Lower it for short windows on a fast
    /// network; raise it where requests queue long before they are sent.
    /// </summary>
    public TimeSpan RecordingDelayCap { get; private set; } = DefaultRecordingDelayCap;

    /// <summary>This policy with another <see cref="RecordingDelayCap"/>.</summary>
    /// <param name="cap">Zero or more.</param>
    public ThrottlingPolicy WithRecordingDelayCap(TimeSpan cap)
    {
        if (cap < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(cap), cap, "RecordingDelayCap must be zero or more.");
        }

        ThrottlingPolicy copy = Copy(Slots, RateLimits, Backoff);
        copy.RecordingDelayCap = cap;
        return copy;
    }

    private ThrottlingPolicy Copy(SlotPolicy? slots, IEnumerable<RateLimitPolicy> rateLimits, BackoffPolicy backoff)
        => new(Name, slots, rateLimits, backoff, _methods.Values, ExceptionDetector) { RecordingDelayCap = RecordingDelayCap };

    /// <inheritdoc />
    public override string ToString()
    {
        IEnumerable<string> parts = new[] { Slots?.ToString() }.Concat(RateLimits.Select(l => l.ToString())).OfType<string>();
        return Name + ": " + string.Join(", ", parts);
    }

    /// <summary>
    /// Whether <paramref name="other"/> shapes traffic exactly as this policy does: true for the policies of one generic
    /// client's instantiations, which share a budget; false for two different clients that happen to share a name.
    /// </summary>
    internal bool SetsSameLimitsAs(ThrottlingPolicy other)
        => Name == other.Name
            && (Slots is null ? other.Slots is null : Slots.SetsSameLimitsAs(other.Slots))
            && RateLimits.Count == other.RateLimits.Count
            && RateLimits.Zip(other.RateLimits, (a, b) => a.SetsSameLimitsAs(b)).All(same => same)
            && Backoff.SetsSameLimitsAs(other.Backoff)
            && RecordingDelayCap == other.RecordingDelayCap
            && _methods.Count == other._methods.Count
            && _methods.All(m => other._methods.TryGetValue(m.Key, out MethodPolicy? theirs) && m.Value.SetsSameLimitsAs(theirs));
}
