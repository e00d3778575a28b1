using StackExchange.Redis;
using Throttling.Redis.Tests.TestSupport;

namespace Throttling.Redis.Tests;

/// <summary>
/// The acquire and release scripts at their edges, on a real redis-server. The scripts read Redis's clock; each test
/// shifts it with a skew, so "ten seconds later" needs no waiting. Real time only moves forward between two calls, by
/// milliseconds, and every margin below is wider than that.
/// </summary>
[Collection(SharedRedisTests.Name)]
public class AcquireScriptTests(SharedRedis redis)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private IDatabase Database => redis.Connection.GetDatabase();

    [Fact]
    public async Task A_sliding_window_grants_N_in_any_window_and_never_2N_across_a_boundary()
    {
        var limit = new RateLimitPolicy(5, TimeSpan.FromSeconds(60));
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), [limit]);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(1, (await scripts.AcquireAsync($"a{i}", TimeSpan.Zero)).Status);
        }

        (long status, TimeSpan wait) = await scripts.AcquireAsync("a5", TimeSpan.Zero);
        Assert.Equal(0, status);
        Assert.InRange(wait, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));

        // Before the first starts leave the window nothing fits; once they have, all five fit again, and no more.
        Assert.Equal(0, (await scripts.AcquireAsync("b0", TimeSpan.FromSeconds(50))).Status);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(1, (await scripts.AcquireAsync($"c{i}", TimeSpan.FromSeconds(60.1))).Status);
        }

        Assert.Equal(0, (await scripts.AcquireAsync("c5", TimeSpan.FromSeconds(60.1))).Status);
        Assert.Equal(5, await scripts.SlidingSumAsync(limit));
    }

    [Fact]
    public async Task One_acquire_admits_as_many_calls_as_the_budget_allows_in_order_and_says_why_not_the_next()
    {
        var limit = new RateLimitPolicy(3, TimeSpan.FromSeconds(60));
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), [limit]) { Slots = 5, Lease = TimeSpan.FromMinutes(5) };

        (long granted, long status, TimeSpan wait) = await scripts.AcquireManyAsync(["a", "b", "c", "d", "e"], TimeSpan.Zero);
        Assert.Equal(3, granted);
        Assert.Equal(0, status);
        Assert.InRange(wait, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
        Assert.Equal(["a", "b", "c"], (await Database.SortedSetRangeByRankAsync(scripts.Keys.Slots)).Select(v => (string)v!).Order());

        // Slots run out first here: two are left, and the rate limit no longer binds a minute later.
        (granted, status, _) = await scripts.AcquireManyAsync(["d", "e", "f"], TimeSpan.FromSeconds(60.1));
        Assert.Equal(2, granted);
        Assert.Equal(0, status);
        Assert.Equal(5, await Database.SortedSetLengthAsync(scripts.Keys.Slots));
    }

    [Fact]
    public async Task A_cost_takes_that_many_units_of_a_weighted_limit_and_one_request_of_the_others()
    {
        var tokens = new RateLimitPolicy(5, TimeSpan.FromSeconds(10)) { Unit = "tokens" };
        var requests = new RateLimitPolicy(10, TimeSpan.FromSeconds(10));
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), [tokens, requests]);

        Assert.Equal(1, (await scripts.AcquireAsync("a", TimeSpan.Zero, cost: 3)).Status);
        Assert.Equal(0, (await scripts.AcquireAsync("b", TimeSpan.Zero, cost: 3)).Status);
        Assert.Equal(1, (await scripts.AcquireAsync("c", TimeSpan.Zero, cost: 2)).Status);
        Assert.Equal(5, await scripts.SlidingSumAsync(tokens));
        Assert.Equal(2, await scripts.SlidingSumAsync(requests));

        // After the window the three of "a" and the two of "c" leave together.
        Assert.Equal(1, (await scripts.AcquireAsync("d", TimeSpan.FromSeconds(10.1), cost: 5)).Status);
    }

    [Theory]
    [InlineData(RateLimitKind.FixedWindow)]
    [InlineData(RateLimitKind.TokenBucket)]
    public async Task Settling_gives_a_fixed_window_or_a_token_bucket_back_what_a_call_did_not_use(RateLimitKind kind)
    {
        // A day, so that the test never straddles a fixed window's turn, and a bucket refills nothing meanwhile.
        var tokens = new RateLimitPolicy(100, TimeSpan.FromDays(1)) { Unit = "tokens", Kind = kind };
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), [tokens]);

        Assert.Equal(1, (await scripts.AcquireAsync("a", TimeSpan.Zero, cost: 80)).Status);
        Assert.Equal(0, (await scripts.AcquireAsync("b", TimeSpan.Zero, cost: 30)).Status);

        await scripts.SettleAsync("a", reserved: 80, actual: 20, TimeSpan.FromMilliseconds(100), TimeSpan.Zero);
        Assert.Equal(1, (await scripts.AcquireAsync("b", TimeSpan.Zero, cost: 80)).Status);
        Assert.Equal(0, (await scripts.AcquireAsync("c", TimeSpan.Zero, cost: 1)).Status);

        // A refund frees room, an overrun takes it: "a" used nothing after all, "b" 90.
        await scripts.SettleAsync("a", reserved: 20, actual: 0, TimeSpan.FromMilliseconds(100), TimeSpan.Zero);
        await scripts.SettleAsync("b", reserved: 80, actual: 90, TimeSpan.FromMilliseconds(100), TimeSpan.Zero);
        Assert.Equal(1, (await scripts.AcquireAsync("c", TimeSpan.Zero, cost: 10)).Status);
        Assert.Equal(0, (await scripts.AcquireAsync("d", TimeSpan.Zero, cost: 1)).Status);
    }

    [Fact]
    public async Task Settling_rewrites_a_start_to_its_real_cost_at_its_date()
    {
        var tokens = new RateLimitPolicy(100, TimeSpan.FromSeconds(10)) { Unit = "tokens" };
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), [tokens]) { Cap = TimeSpan.FromSeconds(1) };

        Assert.Equal(1, (await scripts.AcquireAsync("a", TimeSpan.Zero, cost: 80)).Status);
        Assert.Equal(0, (await scripts.AcquireAsync("b", TimeSpan.Zero, cost: 30)).Status);

        // "a" used 20 of its 80: the 60 it did not use are free at once, while its 20 keep their date.
        await scripts.SettleAsync("a", reserved: 80, actual: 20, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
        Assert.Equal(20, await scripts.SlidingSumAsync(tokens));
        Assert.Equal(1, (await scripts.AcquireAsync("b", TimeSpan.FromMilliseconds(300), cost: 30)).Status);
        Assert.Equal(1, await scripts.ReleaseAsync("a", TimeSpan.FromMilliseconds(400), cost: 20));

        // An overrun is charged: "b" used 70, which leaves no room for 30 more until "a"'s 20 leave the window.
        await scripts.SettleAsync("b", reserved: 30, actual: 70, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500));
        Assert.Equal(90, await scripts.SlidingSumAsync(tokens));
        (long status, TimeSpan wait) = await scripts.AcquireAsync("c", TimeSpan.FromMilliseconds(600), cost: 30);
        Assert.Equal(0, status);
        Assert.InRange(wait, TimeSpan.FromSeconds(9.7), TimeSpan.FromSeconds(9.9));
    }

    [Fact]
    public async Task Stacked_limits_are_all_or_nothing_and_a_method_limit_is_told_apart_from_the_clients()
    {
        var client = new RateLimitPolicy(10, TimeSpan.FromSeconds(10));
        var method = new RateLimitPolicy(2, TimeSpan.FromSeconds(10));
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), [client], [method]);

        Assert.Equal(1, (await scripts.AcquireAsync("a", TimeSpan.Zero)).Status);
        Assert.Equal(1, (await scripts.AcquireAsync("b", TimeSpan.Zero)).Status);
        Assert.Equal(2, (await scripts.AcquireAsync("c", TimeSpan.Zero)).Status);

        // The refused start took nothing from the client's limit.
        Assert.Equal(2, await scripts.SlidingSumAsync(client));
        Assert.Equal(2, await scripts.SlidingSumAsync(method, "M"));
    }

    [Fact]
    public async Task An_expired_slot_lease_is_reclaimed_by_the_next_acquirer()
    {
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), []) { Slots = 1, Lease = TimeSpan.FromSeconds(2) };

        Assert.Equal(1, (await scripts.AcquireAsync("dead", TimeSpan.Zero)).Status);
        (long status, TimeSpan wait) = await scripts.AcquireAsync("next", TimeSpan.Zero);
        Assert.Equal(0, status);
        Assert.InRange(wait, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(2));

        Assert.Equal(0, (await scripts.AcquireAsync("next", TimeSpan.FromSeconds(1.7))).Status);
        Assert.Equal(1, (await scripts.AcquireAsync("next", TimeSpan.FromSeconds(2.1))).Status);
        Assert.Null(await Database.SortedSetScoreAsync(scripts.Keys.Slots, "dead"));
    }

    [Fact]
    public async Task A_renewed_lease_outlives_its_first_deadline_and_a_lost_one_is_not_renewed()
    {
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), []) { Slots = 2, Lease = TimeSpan.FromSeconds(2) };
        Assert.Equal(1, (await scripts.AcquireAsync("running", TimeSpan.Zero)).Status);
        Assert.Equal(1, (await scripts.AcquireAsync("dead", TimeSpan.Zero)).Status);

        // At 1.5 s only the running call renews; at 2.5 s the dead one's slot is free and the running one's is not.
        Assert.Equal(1, await scripts.RenewAsync(TimeSpan.FromSeconds(1.5), "running"));
        Assert.Equal(1, (await scripts.AcquireAsync("next", TimeSpan.FromSeconds(2.5))).Status);
        Assert.Equal(0, (await scripts.AcquireAsync("more", TimeSpan.FromSeconds(2.5))).Status);

        // A lease reclaimed by another acquirer stays lost: renewing it adds nothing back.
        Assert.Equal(0, await scripts.RenewAsync(TimeSpan.FromSeconds(2.6), "dead"));
        Assert.Null(await Database.SortedSetScoreAsync(scripts.Keys.Slots, "dead"));
    }

    [Fact]
    public async Task A_release_frees_the_slot_and_dates_the_start_at_the_response_not_at_its_cap()
    {
        var limit = new RateLimitPolicy(1, TimeSpan.FromSeconds(10));
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), [limit]) { Slots = 1, Cap = TimeSpan.FromSeconds(5) };
        // Its slot lease expires at 2 s, so only its start stands in the way later.
        var undated = new Scripts(Database, SharedRedis.NewPrefix(), [limit]) { Slots = 1, Cap = TimeSpan.FromSeconds(5), Lease = TimeSpan.FromSeconds(2) };

        Assert.Equal(1, (await scripts.AcquireAsync("a", TimeSpan.Zero)).Status);
        Assert.Equal(1, (await undated.AcquireAsync("a", TimeSpan.Zero)).Status);
        Assert.Equal(2, await scripts.ReleaseAsync("a", Second));

        // Dated at its response (1 s), it leaves the window at 11 s; never released, it counts from its cap (5 s) to 15 s.
        Assert.Equal(1, (await scripts.AcquireAsync("b", TimeSpan.FromSeconds(11.2))).Status);
        Assert.Equal(0, (await undated.AcquireAsync("b", TimeSpan.FromSeconds(11.2))).Status);
        Assert.Equal(1, (await undated.AcquireAsync("b", TimeSpan.FromSeconds(15.2))).Status);
    }

    [Fact]
    public async Task A_fixed_window_resets_on_UTC_multiples_and_counts_a_start_near_the_end_in_both_windows()
    {
        var window = TimeSpan.FromSeconds(10);
        var limit = new RateLimitPolicy(1, window) { Kind = RateLimitKind.FixedWindow };
        TimeSpan toBoundary = await ToNextMultipleAsync(window);
        var plain = new Scripts(Database, SharedRedis.NewPrefix(), [limit]);
        var capped = new Scripts(Database, SharedRedis.NewPrefix(), [limit]) { Cap = Second };

        // 300 ms before a boundary: without a cap the next window is free; with a 1 s cap the start may land in it.
        TimeSpan before = toBoundary - TimeSpan.FromMilliseconds(300);
        TimeSpan after = toBoundary + TimeSpan.FromMilliseconds(300);
        Assert.Equal(1, (await plain.AcquireAsync("a", before)).Status);
        Assert.Equal(0, (await plain.AcquireAsync("b", before)).Status);
        Assert.Equal(1, (await plain.AcquireAsync("b", after)).Status);

        Assert.Equal(1, (await capped.AcquireAsync("a", before)).Status);
        Assert.Equal(0, (await capped.AcquireAsync("b", after)).Status);
        Assert.Equal(1, (await capped.AcquireAsync("b", after + window)).Status);
    }

    [Fact]
    public async Task A_token_bucket_refills_evenly_over_its_window()
    {
        var limit = new RateLimitPolicy(2, TimeSpan.FromSeconds(10)) { Kind = RateLimitKind.TokenBucket };
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), [limit]);

        Assert.Equal(1, (await scripts.AcquireAsync("a", TimeSpan.Zero)).Status);
        Assert.Equal(1, (await scripts.AcquireAsync("b", TimeSpan.Zero)).Status);
        (long status, TimeSpan wait) = await scripts.AcquireAsync("c", TimeSpan.Zero);
        Assert.Equal(0, status);
        Assert.InRange(wait, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(5));
        Assert.Equal(1, (await scripts.AcquireAsync("c", TimeSpan.FromSeconds(5.2))).Status);
        Assert.Equal(0, (await scripts.AcquireAsync("d", TimeSpan.FromSeconds(5.2))).Status);
    }

    [Fact]
    public async Task A_cool_down_set_by_one_process_pauses_every_acquirer_until_its_end()
    {
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), []) { Slots = 5 };
        await scripts.CoolDownAsync(TimeSpan.FromSeconds(3), TimeSpan.Zero);

        (long status, TimeSpan wait) = await scripts.AcquireAsync("a", TimeSpan.Zero);
        Assert.Equal(4, status);
        Assert.InRange(wait, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(3));
        Assert.Equal(1, (await scripts.AcquireAsync("a", TimeSpan.FromSeconds(3.2))).Status);
    }

    [Fact]
    public async Task Scripts_go_by_EVALSHA_and_a_server_that_forgot_them_is_sent_their_text_once()
    {
        var scripts = new Scripts(Database, SharedRedis.NewPrefix(), []) { Slots = 5 };
        await Database.ExecuteAsync("SCRIPT", "FLUSH");
        Assert.False(await IsLoadedAsync());
        (long evalShas, long failedEvalShas, long evals) = await CommandStatsAsync();

        Assert.Equal(1, (await scripts.AcquireAsync("a", TimeSpan.Zero)).Status);
        Assert.Equal(1, (await scripts.AcquireAsync("b", TimeSpan.Zero)).Status);
        Assert.Equal(1, (await scripts.AcquireAsync("c", TimeSpan.Zero)).Status);

        // The first EVALSHA meets NOSCRIPT and one EVAL loads the script; the next two are one EVALSHA each.
        Assert.True(await IsLoadedAsync());
        (long evalShasAfter, long failedAfter, long evalsAfter) = await CommandStatsAsync();
        Assert.Equal(3, evalShasAfter - evalShas);
        Assert.Equal(1, failedAfter - failedEvalShas);
        Assert.Equal(1, evalsAfter - evals);

        async Task<bool> IsLoadedAsync()
            => (long)((RedisResult[])(await Database.ExecuteAsync("SCRIPT", "EXISTS", Convert.ToHexString(RedisScript.Acquire.Hash).ToLowerInvariant()))!)[0] == 1;
    }

    // Calls of EVALSHA, of those the failed ones, and calls of EVAL, as INFO commandstats counts them.
    private async Task<(long EvalSha, long FailedEvalSha, long Eval)> CommandStatsAsync()
    {
        string info = (string)(await Database.ExecuteAsync("INFO", "commandstats"))!;
        long Read(string command, string field)
        {
            string? line = info.Split('\n').FirstOrDefault(l => l.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal));
            string? pair = line?.Split(':', 2)[1].Split(',').FirstOrDefault(p => p.StartsWith(field + "=", StringComparison.Ordinal));
            return pair is null ? 0 : long.Parse(pair.Split('=')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return (Read("evalsha", "calls"), Read("evalsha", "failed_calls"), Read("eval", "calls"));
    }

    // How far Redis's clock is from the next multiple of `window` since the epoch.
    private async Task<TimeSpan> ToNextMultipleAsync(TimeSpan window)
    {
        DateTime now = await redis.Connection.GetServers()[0].TimeAsync();
        long ticks = (now - DateTime.UnixEpoch).Ticks;
        TimeSpan left = TimeSpan.FromTicks(window.Ticks - (ticks % window.Ticks));
        return left < TimeSpan.FromSeconds(1) ? left + window : left;
    }
}
