using System;

namespace Throttling.Redis;

/// <summary>How budgets are kept in Redis.</summary>
public sealed class RedisBudgetOptions
{
    private string _keyPrefix = "throttling";
    private TimeSpan _slotLease = TimeSpan.FromSeconds(30);
    private TimeSpan _commandTimeout = TimeSpan.FromSeconds(1);
    private RedisUnavailableMode _onUnavailable = RedisUnavailableMode.LocalFallback;

    /// <summary>
    /// Starts every key: <c>{prefix:client}:slots</c> and the like. Processes with the same prefix share budgets; give
    /// each account (or environment) its own. <c>"throttling"</c> by default.
    /// </summary>
    public string KeyPrefix
    {
        get => _keyPrefix;
        set => _keyPrefix = string.IsNullOrWhiteSpace(value) || value.IndexOfAny(['{', '}']) >= 0
            ? throw new ArgumentException("KeyPrefix must be a non-empty string without braces (they make Redis Cluster hash tags).", nameof(value))
            : value;
    }

    /// <summary>
    /// How long a slot stays taken without its process renewing it; a running call renews its slot every third of it,
    /// so a process that dies frees its slots within one lease. 30 seconds by default; at least one second.
    /// </summary>
    public TimeSpan SlotLease
    {
        get => _slotLease;
        set => _slotLease = value >= TimeSpan.FromSeconds(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "SlotLease must be at least one second.");
    }

    /// <summary>
    /// How long a call waits for Redis to answer before the client treats Redis as unavailable (see
    /// <see cref="OnUnavailable"/>). One second by default; more than zero.
    /// </summary>
    public TimeSpan CommandTimeout
    {
        get => _commandTimeout;
        set => _commandTimeout = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "CommandTimeout must be more than zero.");
    }

    /// <summary>What clients do while Redis does not answer; <see cref="RedisUnavailableMode.LocalFallback"/> by default.</summary>
    public RedisUnavailableMode OnUnavailable
    {
        get => _onUnavailable;
        set => _onUnavailable = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "OnUnavailable must be LocalFallback, FailOpen or FailClosed.");
    }

    /// <summary>Moves the Redis clock the scripts read, to test window edges without waiting; zero in production.</summary>
    internal TimeSpan ClockSkew { get; set; }
}
