using System;

namespace Throttling.Redis;

/// <summary>Redis did not answer in time; the store goes on as <see cref="RedisBudgetOptions.OnUnavailable"/> says.</summary>
internal sealed class RedisUnavailableException : Exception
{
    public RedisUnavailableException(Exception cause)
        : base("Redis did not answer.", cause)
    {
    }
}
