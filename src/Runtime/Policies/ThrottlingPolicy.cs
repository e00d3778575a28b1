using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;

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

    private readonly IReadOnlyList<RateLimitPolicy> _rateLimits = Array.Empty<RateLimitPolicy>();
    private readonly BackoffPolicy _backoff = BackoffPolicy.Default;
    private readonly MethodPolicy[] _methods = Array.Empty<MethodPolicy>();
    private readonly Dictionary<string, MethodPolicy> _methodsByKey = new(StringComparer.Ordinal);
    private readonly TimeSpan _recordingDelayCap = DefaultRecordingDelayCap;

    /// <summary>Creates a policy; everything but the name is an init property.</summary>
    /// <param name="name">The client's name: the key of its budget, its configuration section and its metrics.</param>
    public ThrottlingPolicy(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A client needs a name.", nameof(name));
        }

        Name = name;
    }

    /// <summary>The client's name: the key of its budget, its configuration section and its metrics.</summary>
    public string Name { get; }

    /// <summary>Bounds calls in flight; null (no bound) by default.</summary>
    public SlotPolicy? Slots { get; init; }

    /// <summary>Bounds call starts per window; every limit must allow a start. None by default.</summary>
    public IReadOnlyList<RateLimitPolicy> RateLimits
    {
        get => _rateLimits;
        init => _rateLimits = value?.ToArray() ?? throw new ArgumentNullException(nameof(RateLimits));
    }

    /// <summary>How 429s are retried, unless a method says otherwise; <see cref="BackoffPolicy.Default"/> by default.</summary>
    public BackoffPolicy Backoff
    {
        get => _backoff;
        init => _backoff = value ?? throw new ArgumentNullException(nameof(Backoff));
    }

    /// <summary>What individual methods add, each under its own key; none by default.</summary>
    public IReadOnlyList<MethodPolicy> Methods
    {
        get => _methods;
        init
        {
            MethodPolicy[] methods = value?.ToArray() ?? throw new ArgumentNullException(nameof(Methods));
            _methodsByKey.Clear();
            foreach (MethodPolicy method in methods)
            {
                if (_methodsByKey.ContainsKey(method.Key))
                {
                    throw new ArgumentException($"Two method policies have the key '{method.Key}'.", nameof(Methods));
                }

                _methodsByKey.Add(method.Key, method);
            }

            _methods = methods;
        }
    }

    /// <summary>
    /// Recognizes throttling exceptions beyond the built-in ones of <see cref="ServerThrottle"/> (the generator adds Refit's
    /// <c>ApiException</c> and gRPC's <c>RpcException</c> when the compilation references them); none by default.
    /// </summary>
    public ThrottleDetector<Exception>? ExceptionDetector { get; init; }

    /// <summary>
    /// Finds the response headers in a call's result or exception when they are not an <see cref="HttpResponseMessage"/>'s,
    /// so that the server's rate-limit headers are read from them too (the generator adds Refit's <c>IApiResponse</c> and
    /// <c>ApiException</c> when the compilation references Refit); null returns mean none. None by default.
    /// </summary>
    public Func<object, HttpResponseHeaders?>? ResponseHeaders { get; init; }

    /// <summary>
    /// The latest, after a call is invoked, that its start is dated (at its response if that comes sooner); zero or more,
    /// <see cref="DefaultRecordingDelayCap"/> by default. A server counts a request when it arrives; dating the start no
    /// earlier than that keeps a client whose limits match the server's clear of 429s wherever a request waited (in
    /// <c>HttpClient</c>'s connection pool, for an HTTP/2 stream, on the network). The cost: each start holds its permit
    /// for up to this long before its window begins, so a limit of N per window W yields at most W / (W + min(L, cap)) of
    /// N for calls of length L. Lower it for short windows on a fast network; raise it where requests queue long before
    /// they are sent.
    /// </summary>
    public TimeSpan RecordingDelayCap
    {
        get => _recordingDelayCap;
        init => _recordingDelayCap = value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(RecordingDelayCap), value, "RecordingDelayCap must be zero or more.");
    }

    /// <summary>The policy of the method <paramref name="key"/> names, if <see cref="Methods"/> has one.</summary>
    internal MethodPolicy? FindMethod(string key) => _methodsByKey.TryGetValue(key, out MethodPolicy? method) ? method : null;

    /// <summary>The slots and limits in words, as rejections describe them: "8 slots, 100 per 1s".</summary>
    internal string DescribeLimits()
    {
        IEnumerable<string> parts = RateLimits.Select(l => l.ToString());
        if (Slots is { } slots)
        {
            parts = parts.Prepend(Plural(slots.Count, "slot", "slots"));
        }

        return string.Join(", ", parts);
    }

    internal static string Plural(int count, string one, string many)
        => count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

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
            && _methods.Length == other._methods.Length
            && _methods.All(m => other.FindMethod(m.Key) is { } theirs && m.SetsSameLimitsAs(theirs));
}
