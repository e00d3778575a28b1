namespace Throttling.TestServer;

/// <summary>
/// An LLM API's token limit: an exact sliding window over the tokens of accepted requests, each charged its
/// <c>max_tokens</c> when it arrives and corrected to the tokens it used when it completes, as OpenAI counts them.
/// </summary>
internal sealed class TokenWindowCounter(long limit, TimeSpan window)
{
    private readonly LinkedList<Charge> _charges = new();

    /// <summary>
    /// Charges <paramref name="tokens"/> at <paramref name="now"/> when they fit, or refuses them; either way says what is
    /// left, and, refused, how long until they would fit.
    /// </summary>
    public bool TryCharge(TimeSpan now, long tokens, out Charge? charge, out long remaining, out TimeSpan retryAfter)
    {
        lock (_charges)
        {
            while (_charges.First is { } oldest && oldest.Value.At + window <= now)
            {
                _charges.RemoveFirst();
            }

            long used = _charges.Sum(c => c.Tokens);
            charge = null;
            retryAfter = TimeSpan.Zero;
            if (used + tokens <= limit)
            {
                charge = new Charge(now, tokens);
                _charges.AddLast(charge);
                used += tokens;
            }
            else
            {
                long freed = 0;
                foreach (Charge earlier in _charges)
                {
                    freed += earlier.Tokens;
                    if (used - freed + tokens <= limit)
                    {
                        retryAfter = earlier.At + window - now;
                        break;
                    }
                }
            }

            remaining = limit - used;
            return charge is not null;
        }
    }

    /// <summary>The request completed having used <paramref name="tokens"/>: its charge becomes that, at its arrival.</summary>
    public void Correct(Charge charge, long tokens)
    {
        lock (_charges)
        {
            charge.Tokens = tokens;
        }
    }

    internal sealed class Charge(TimeSpan at, long tokens)
    {
        public TimeSpan At { get; } = at;

        public long Tokens { get; set; } = tokens;
    }
}
