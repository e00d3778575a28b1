using System.Net.Http;

namespace Throttling.Tests.ServerSignals;

public class RateLimitHeadersTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_IETF_fields_link_each_state_to_its_policy_and_the_tightest_request_quota_wins()
    {
        ServerLimits limits = Read(
            ("RateLimit-Policy", "\"burst\";q=100;w=60, \"daily\";q=1000;w=86400"),
            ("RateLimit", "\"burst\";r=12;t=20, \"daily\";r=700;t=3000"));

        Assert.Equal(new ServerQuota(12, TimeSpan.FromSeconds(20), 100, TimeSpan.FromSeconds(60)), limits.Requests);
        Assert.Null(limits.Tokens);
        Assert.Equal(new[] { "100 per 1m", "1000 per 1d" }, limits.Policies.Select(p => p.ToString()));
    }

    [Fact]
    public void Tokens_and_parameters_in_any_order_read_the_same_and_a_state_without_t_resets_within_its_window()
    {
        ServerLimits limits = Read(
            ("RateLimit-Policy", "default;w=10;pk=:Zm9v:;q=50;qu=\"requests\""),
            ("RateLimit", "default;pk=:Zm9v:;r=3"));

        Assert.Equal(new ServerQuota(3, TimeSpan.FromSeconds(10), 50, TimeSpan.FromSeconds(10)), limits.Requests);
    }

    [Fact]
    public void A_policy_counted_in_a_unit_no_limit_counts_is_left_out_and_a_tokens_policy_counts_tokens()
    {
        ServerLimits limits = Read(
            ("RateLimit-Policy", "\"bytes\";q=65536;w=1;qu=\"content-bytes\", \"tpm\";q=90000;w=60;qu=\"tokens\""),
            ("RateLimit", "\"bytes\";r=0;t=1, \"tpm\";r=42000;t=31"));

        Assert.Null(limits.Requests);
        Assert.Equal(new ServerQuota(42000, TimeSpan.FromSeconds(31), 90000, TimeSpan.FromSeconds(60)), limits.Tokens);
        Assert.Empty(limits.Policies);
    }

    [Fact]
    public void A_state_without_a_policy_is_a_request_quota_of_its_own()
    {
        Assert.Equal(new ServerQuota(0, TimeSpan.FromSeconds(5), null, null), Read(("RateLimit", "\"x\";r=0;t=5")).Requests);
    }

    [Theory]
    [InlineData("\"burst\";r=12;t=20,")]           // trailing comma: the whole field is malformed
    [InlineData("\"burst\";r=12.5;t=20")]          // r is an integer
    [InlineData("\"burst\";r=-1;t=20")]
    [InlineData("\"burst\";r=101;t=20")]           // more left than the policy's quota
    [InlineData("\"burst\";r=12;t=-3")]
    [InlineData("\"burst\";R=12;t=20")]            // keys are lower case
    [InlineData("\"burst;r=12;t=20")]              // unterminated string
    [InlineData("burst r=12")]
    [InlineData("\"burst\";r=1234567890123456;t=1")]  // 16 digits
    [InlineData("")]
    public void Malformed_or_contradictory_states_are_ignored(string state)
    {
        Assert.Null(RateLimitHeaders.Read(Headers(("RateLimit-Policy", "\"burst\";q=100;w=60"), ("RateLimit", state)), Now)?.Requests);
    }

    [Fact]
    public void A_malformed_policy_field_leaves_the_states_without_their_policy()
    {
        ServerLimits limits = Read(("RateLimit-Policy", "\"burst\";q=100;w=60;;"), ("RateLimit", "\"burst\";r=7;t=2"));

        Assert.Equal(new ServerQuota(7, TimeSpan.FromSeconds(2), null, null), limits.Requests);
        Assert.Empty(limits.Policies);
    }

    [Theory]
    [InlineData("X-RateLimit-", "30")]
    [InlineData("X-Rate-Limit-", "30")]
    [InlineData("RateLimit-", "30")]
    [InlineData("x-ratelimit-", "1796198430")]     // GitHub: the epoch second of the reset, 30 s after the response's Date
    public void Separate_limit_remaining_and_reset_fields_read_as_one_quota(string prefix, string reset)
    {
        ServerLimits limits = Read(
            ("Date", DateTimeOffset.FromUnixTimeSeconds(1796198400).ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            (prefix + "Limit", "5000"),
            (prefix + "Remaining", "4987"),
            (prefix + "Reset", reset));

        Assert.Equal(new ServerQuota(4987, TimeSpan.FromSeconds(30), 5000, null), limits.Requests);
    }

    [Theory]
    [InlineData("5000", "5001", "30")]             // more left than the limit
    [InlineData("5000", "many", "30")]
    [InlineData("5000", "10", "soon")]
    [InlineData("lots", "10", "30")]
    [InlineData("5000", "10", "-30")]
    public void A_separate_triple_that_contradicts_itself_is_ignored(string limit, string remaining, string reset)
    {
        Assert.Null(RateLimitHeaders.Read(Headers(("X-RateLimit-Limit", limit), ("X-RateLimit-Remaining", remaining), ("X-RateLimit-Reset", reset)), Now));
    }

    [Fact]
    public void OpenAI_fields_give_a_request_quota_and_a_token_quota_with_Go_style_resets()
    {
        ServerLimits limits = Read(
            ("x-ratelimit-limit-requests", "500"),
            ("x-ratelimit-remaining-requests", "499"),
            ("x-ratelimit-reset-requests", "120ms"),
            ("x-ratelimit-limit-tokens", "90000"),
            ("x-ratelimit-remaining-tokens", "89000"),
            ("x-ratelimit-reset-tokens", "6m0s"));

        Assert.Equal(new ServerQuota(499, TimeSpan.FromMilliseconds(120), 500, null), limits.Requests);
        Assert.Equal(new ServerQuota(89000, TimeSpan.FromMinutes(6), 90000, null), limits.Tokens);
    }

    [Theory]
    [InlineData("1h2m3.5s", 3723.5)]
    [InlineData("0s", 0)]
    [InlineData("1.5ms", 0.0015)]
    [InlineData("17us", 0.000017)]
    public void Go_durations_read_every_unit(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)), duration);
    }

    [Theory]
    [InlineData("6m0")]
    [InlineData("-1s")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData("9999999999999h")]
    public void Malformed_Go_durations_do_not_read(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Fact]
    public void Anthropic_fields_read_RFC_3339_resets_against_the_responses_Date()
    {
        ServerLimits limits = Read(
            ("Date", Now.AddHours(-1).ToString("R", System.Globalization.CultureInfo.InvariantCulture)),                    // the server's clock is an hour behind
            ("anthropic-ratelimit-requests-limit", "50"),
            ("anthropic-ratelimit-requests-remaining", "49"),
            ("anthropic-ratelimit-requests-reset", Now.AddHours(-1).AddSeconds(2).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)),
            ("anthropic-ratelimit-tokens-limit", "40000"),
            ("anthropic-ratelimit-tokens-remaining", "39000"),
            ("anthropic-ratelimit-tokens-reset", Now.AddHours(-1).AddSeconds(9).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(new ServerQuota(49, TimeSpan.FromSeconds(2), 50, null), limits.Requests);
        Assert.Equal(new ServerQuota(39000, TimeSpan.FromSeconds(9), 40000, null), limits.Tokens);
    }

    [Fact]
    public void Two_families_in_one_response_give_the_tighter_quota()
    {
        ServerLimits limits = Read(("RateLimit", "\"a\";r=40;t=1"), ("X-RateLimit-Remaining", "3"), ("X-RateLimit-Reset", "1"));

        Assert.Equal(3, limits.Requests!.Value.Remaining);
    }

    [Fact]
    public void A_response_without_rate_limit_fields_says_nothing()
    {
        Assert.Null(RateLimitHeaders.Read(Headers(("Content-Language", "en"), ("X-Request-Id", "7")), Now));
        Assert.Null(RateLimitHeaders.Read(null, Now));
    }

    private static ServerLimits Read(params (string Name, string Value)[] fields)
        => RateLimitHeaders.Read(Headers(fields), Now) ?? throw new Xunit.Sdk.XunitException("The headers were not read.");

    internal static System.Net.Http.Headers.HttpResponseHeaders Headers(params (string Name, string Value)[] fields)
    {
        var response = new HttpResponseMessage();
        foreach ((string name, string value) in fields)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response.Headers;
    }
}
