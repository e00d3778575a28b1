using System;

namespace Throttling;

/// <summary>What a server said about one of its limits in a response: how much is left, and when it resets.</summary>
/// <param name="Remaining">Requests (or tokens) the server will still accept before <paramref name="Reset"/>.</param>
/// <param name="Reset">How long after the response the count starts over.</param>
/// <param name="Limit">The quota of the window, when the server named it.</param>
/// <param name="Window">The window's length, when the server named it (the IETF <c>w</c> parameter).</param>
internal readonly record struct ServerQuota(long Remaining, TimeSpan Reset, long? Limit, TimeSpan? Window)
{
    /// <summary>Whether this quota leaves less room than <paramref name="other"/>: fewer left, or as few for longer.</summary>
    public bool IsTighterThan(ServerQuota other)
        => Remaining < other.Remaining || (Remaining == other.Remaining && Reset > other.Reset);

    /// <summary>The tighter of two quotas, either of which may be missing.</summary>
    public static ServerQuota? Tighter(ServerQuota? current, ServerQuota candidate)
        => current is { } known && !candidate.IsTighterThan(known) ? known : candidate;
}
