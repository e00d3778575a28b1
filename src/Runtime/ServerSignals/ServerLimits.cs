using System;
using System.Collections.Generic;

namespace Throttling;

/// <summary>
/// Everything one response said about the server's limits, whichever header family said it (<see cref="RateLimitHeaders"/>),
/// normalised: the tightest request quota, the tightest token quota, and the request policies the server declared.
/// </summary>
internal sealed class ServerLimits
{
    /// <summary>The tightest quota counted in requests; null when no header gave one.</summary>
    public ServerQuota? Requests { get; set; }

    /// <summary>The tightest quota counted in tokens (LLM APIs); null when no header gave one.</summary>
    public ServerQuota? Tokens { get; set; }

    /// <summary>The request limits the server declared, each as permits per window (IETF <c>RateLimit-Policy</c>).</summary>
    public List<RateLimitPolicy> Policies { get; } = new();

    public bool IsEmpty => Requests is null && Tokens is null && Policies.Count == 0;

    public void Add(ServerQuotaUnit unit, ServerQuota quota)
    {
        if (unit == ServerQuotaUnit.Tokens)
        {
            Tokens = ServerQuota.Tighter(Tokens, quota);
        }
        else
        {
            Requests = ServerQuota.Tighter(Requests, quota);
        }
    }
}

/// <summary>What a server's quota counts.</summary>
internal enum ServerQuotaUnit
{
    Requests,
    Tokens,
}
