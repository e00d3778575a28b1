namespace Throttling.Redis;

/// <summary>A call of this process that a <see cref="RedisBudgetStore"/> admitted and that has not exited yet.</summary>
internal sealed class RunningCall
{
    public RunningCall(string leaseId, MethodStage stage)
    {
        LeaseId = leaseId;
        Stage = stage;
    }

    /// <summary>Names the call's slot lease and its starts in the shared ledgers.</summary>
    public string LeaseId { get; }

    public MethodStage Stage { get; }

    /// <summary>What the call holds of its weighted limits: its declared cost, or its real one once settled.</summary>
    public int Cost { get; set; }

    /// <summary>Counted in Redis: its release frees its lease and dates its start there.</summary>
    public bool InRedis { get; set; }

    /// <summary>Admitted by the local share while Redis was away; exits through it.</summary>
    public LocalBudgetStore? Fallback { get; set; }

    public MethodStage? FallbackStage { get; set; }

    /// <summary>What the local share's Enter handed over, until <see cref="RedisBudgetStore.Invoked"/> passes it on.</summary>
    public long FallbackEntered { get; set; }

    /// <summary>Whether <see cref="FallbackEntered"/> still waits to be passed to the local share's Invoked.</summary>
    public bool AwaitsInvocation { get; set; }

    public long FallbackTicket { get; set; }

    /// <summary>The client's start count, every process's, right after this call's grant: what the server's answer to it counts from.</summary>
    public long Mark { get; set; }

    /// <summary>What the client's limits left once the call was granted, every process's starts counted; -1 for no limit.</summary>
    public long OwnLeft { get; set; }

    /// <summary>What the server's answer to the call said of its request quota; its release passes it on.</summary>
    public ServerQuota? Told { get; set; }

    /// <summary>The tokens the client had charged, every process's, right after this call's grant (acquire.lua's answer).</summary>
    public long TokensMark { get; set; }

    /// <summary>What the client's token limits left once the call was granted; -1 for none.</summary>
    public long OwnTokensLeft { get; set; } = -1;

    /// <summary>What the server's answer to the call said of its token quota; its release passes it on.</summary>
    public ServerQuota? ToldTokens { get; set; }

    /// <summary>What <see cref="CountedDating.QuickestAnswer"/> was when the call was invoked.</summary>
    public long QuickestAnswer { get; set; } = CountedDating.None;

    /// <summary>When its start is dated, the server having counted it (<see cref="CountedDating"/>); never, until then.</summary>
    public long CountedAt { get; set; } = long.MaxValue;

    /// <summary>How long before its release its start is dated, in ticks.</summary>
    public long DatedAgo { get; set; }

    /// <summary>When the call was invoked, in clock ticks; a start not dated by its response is dated its cap later.</summary>
    public long InvokedAt { get; set; }
}
