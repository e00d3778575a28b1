using System.Collections.Generic;
using System.Globalization;
using StackExchange.Redis;

namespace Throttling.Redis;

/// <summary>
/// The Redis keys of one budget. Every key carries the hash tag <c>{prefix:client[:scope]}</c>, so that a cluster
/// keeps them on one slot and a script may touch them all. A limit's key names its kind, permits and window, so that
/// processes still running an older policy (a rolling deploy) do not read a ledger of another shape.
/// </summary>
internal sealed class ClientKeys
{
    private readonly string _tag;

    public ClientKeys(string prefix, string client, string? scope)
    {
        _tag = "{" + prefix + ":" + client + (scope is null ? string.Empty : ":" + scope) + "}";
        Slots = _tag + ":slots";
        CoolDown = _tag + ":cool";
        Freed = RedisChannel.Literal(_tag + ":freed");
    }

    public RedisKey Slots { get; }

    public RedisKey CoolDown { get; }

    /// <summary>Published to when a slot frees or a start is dated earlier than it was counted, so waiters look again.</summary>
    public RedisChannel Freed { get; }

    /// <summary>A limit's data key and its companion (a sliding window's running sum).</summary>
    public (RedisKey Data, RedisKey Aux) Limit(string methodKey, RateLimitPolicy limit)
    {
        string owner = methodKey.Length == 0 ? string.Empty : ":m:" + methodKey;
        string name = _tag + owner + ":" + KindCode(limit.Kind) + ":" + limit.Permits.ToString(CultureInfo.InvariantCulture) + "/"
            + limit.Window.Ticks.ToString(CultureInfo.InvariantCulture) + (limit.IsWeighted ? ":" + limit.Unit : string.Empty);
        return (name, name + ":sum");
    }

    public static string KindCode(RateLimitKind kind) => kind switch
    {
        RateLimitKind.FixedWindow => "f",
        RateLimitKind.TokenBucket => "b",
        _ => "s",
    };

    /// <summary>The keys and limit arguments the scripts take for a stage: the client's limits, then the method's.</summary>
    public (RedisKey[] Keys, RedisValue[] LimitArgs) ForStage(string methodKey, IReadOnlyList<RateLimitPolicy> client, IReadOnlyList<RateLimitPolicy> method)
    {
        var redisKeys = new List<RedisKey> { Slots, CoolDown };
        var args = new List<RedisValue>();
        Add(string.Empty, client, "c");
        Add(methodKey, method, "m");
        return (redisKeys.ToArray(), args.ToArray());

        void Add(string owner, IReadOnlyList<RateLimitPolicy> limits, string scope)
        {
            foreach (RateLimitPolicy limit in limits)
            {
                (RedisKey data, RedisKey aux) = Limit(owner, limit);
                redisKeys.Add(data);
                redisKeys.Add(aux);
                args.Add(KindCode(limit.Kind));
                args.Add(limit.Permits);
                args.Add(limit.Window.Ticks / 10);
                args.Add(limit.CountsTokens ? scope + "t" : limit.IsWeighted ? scope + "w" : scope);
            }
        }
    }
}
