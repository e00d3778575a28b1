using System;
using System.Linq;

namespace Throttling;

/// <summary>
/// Holds the client's limits counted in tokens to what the server says is left of its token quota
/// (<c>x-ratelimit-remaining-tokens</c>, <c>anthropic-ratelimit-tokens-remaining</c>), as <see cref="ServerQuotaPacer"/>
/// does for requests: after an answer says <c>r</c> tokens remain until <c>t</c>, no more than <c>r</c> tokens are
/// charged to starts before <c>t</c>, counted from the answered call. Where the server leaves no fewer tokens than the
/// client's own limits did when they admitted that call, their exact windows pace it. Not thread-safe: its store
/// serializes every call.
/// </summary>
internal sealed class TokenQuotaPacing
{
    private readonly PermitLedger[] _ledgers;
    private readonly ServerQuotaPacer _pacer = new();
    private bool _heard;

    /// <param name="clientLedgers">The client's own limits; those counted in tokens are paced.</param>
    public TokenQuotaPacing(PermitLedger[] clientLedgers)
        => _ledgers = clientLedgers.Where(l => l.Policy.CountsTokens).ToArray();

    /// <summary>Whether the client has a limit counted in tokens, for the server's token quota to pace.</summary>
    public bool IsActive => _ledgers.Length != 0;

    /// <summary>Tokens charged to the client's starts so far, net of what settling gave back.</summary>
    public long Charged { get; private set; }

    /// <summary>When the quota that binds resets; <see cref="long.MinValue"/> when none does.</summary>
    public long ResetAt => _pacer.ResetAt;

    /// <summary>Counts <paramref name="tokens"/> charged (or, negative, given back) by a call.</summary>
    public void Charge(long tokens)
    {
        if (IsActive)
        {
            Charged += tokens;
        }
    }

    /// <summary>
    /// What a call admitted now is compared by: the tokens charged so far, its own included, and what the client's token
    /// limits leave (<see cref="int.MaxValue"/> until the server has said anything of its tokens).
    /// </summary>
    public (long Mark, int OwnLeft) Mark(long now)
    {
        int left = int.MaxValue;
        if (_heard)
        {
            foreach (PermitLedger ledger in _ledgers)
            {
                left = Math.Min(left, ledger.Available(now));
            }
        }

        return (Charged, left);
    }

    /// <summary>Takes what an answer said of the token quota, for the call admitted at <paramref name="mark"/>.</summary>
    /// <returns>Whether what the client may start changed.</returns>
    public bool Observe(ServerQuota quota, long mark, int ownLeftAtStart, long now)
    {
        if (!IsActive)
        {
            return false;
        }

        // Before anything was heard the call noted no limits; what they leave now stands in for them.
        _heard = true;
        long ownLeft = ownLeftAtStart == int.MaxValue ? Mark(now).OwnLeft : ownLeftAtStart;
        return quota.Remaining + (Charged - mark) < ownLeft ? _pacer.Observe(mark, quota, now) : _pacer.Release();
    }

    /// <summary>Now, when a call of <paramref name="cost"/> may start by the server's token count; otherwise its reset.</summary>
    public long ReadyAt(int cost, long now) => IsActive ? _pacer.ReadyAtFor(Charged, cost, now) : now;
}
