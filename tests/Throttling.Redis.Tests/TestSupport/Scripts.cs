using StackExchange.Redis;

namespace Throttling.Redis.Tests.TestSupport;

/// <summary>Calls the store's scripts directly, with the Redis clock shifted by a skew, to test their edges.</summary>
public sealed class Scripts(IDatabase database, string prefix, IReadOnlyList<RateLimitPolicy> client, IReadOnlyList<RateLimitPolicy>? method = null)
{
    private readonly ClientKeys _keys = new(prefix, "Client", scope: null);

    public int Slots { get; init; }

    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Cap { get; init; }

    internal ClientKeys Keys => _keys;

    private (RedisKey[] Keys, RedisValue[] Args) Stage => _keys.ForStage(method is null ? string.Empty : "M", client, method ?? []);

    /// <summary>The status (1 granted, 0 client blocked, 2 method blocked, 3 refused, 4 cooling) and the wait it names.</summary>
    public async Task<(long Status, TimeSpan Wait)> AcquireAsync(string id, TimeSpan skew, int cost = 1)
    {
        (long granted, long status, TimeSpan wait) = await AcquireManyAsync([id], skew, cost);
        return (granted == 1 ? 1 : status, wait);
    }

    /// <summary>
    /// How many of <paramref name="ids"/>, in order, got their turn; why the next did not; and the wait it names. Each
    /// call costs <paramref name="cost"/> in the limits that count units.
    /// </summary>
    public async Task<(long Granted, long Status, TimeSpan Wait)> AcquireManyAsync(string[] ids, TimeSpan skew, int cost = 1)
    {
        (RedisKey[] keys, RedisValue[] args) = Stage;
        var result = (RedisResult[])(await RedisScript.Acquire.EvaluateAsync(
            database,
            keys,
            [Micros(skew), Micros(Lease), Slots, Micros(Cap), args.Length / 4, .. args, .. ids.SelectMany(i => new RedisValue[] { i, cost })]))!;
        return ((long)result[0], (long)result[1], TimeSpan.FromTicks((long)result[2] * 10));
    }

    public async Task<long> ReleaseAsync(string id, TimeSpan skew, int cost = 1)
    {
        (RedisKey[] keys, RedisValue[] args) = Stage;
        return (long)await RedisScript.Release.EvaluateAsync(database, keys, [Micros(skew), id, cost, "unused", args.Length / 4, .. args]);
    }

    /// <summary>Settles the call <paramref name="id"/>, invoked <paramref name="age"/> ago, from <paramref name="reserved"/> to <paramref name="actual"/>.</summary>
    public async Task SettleAsync(string id, int reserved, int actual, TimeSpan age, TimeSpan skew)
    {
        (RedisKey[] keys, RedisValue[] args) = Stage;
        await RedisScript.Settle.EvaluateAsync(database, keys, [Micros(skew), id, reserved, actual, Micros(age), "unused", args.Length / 4, .. args]);
    }

    /// <summary>How many of <paramref name="ids"/> still held their lease and were renewed.</summary>
    public async Task<long> RenewAsync(TimeSpan skew, params string[] ids)
        => (long)await RedisScript.Renew.EvaluateAsync(database, [_keys.Slots], [Micros(skew), Micros(Lease), .. ids.Select(i => (RedisValue)i)]);

    public async Task CoolDownAsync(TimeSpan duration, TimeSpan skew)
        => await RedisScript.CoolDown.EvaluateAsync(database, [_keys.CoolDown], [Micros(skew), "c", Micros(duration)]);

    /// <summary>The permits a limit's sliding window counts now.</summary>
    public async Task<long> SlidingSumAsync(RateLimitPolicy limit, string? methodKey = null)
        => (long)await database.StringGetAsync(_keys.Limit(methodKey ?? string.Empty, limit).Aux);

    public static long Micros(TimeSpan value) => value.Ticks / 10;
}
