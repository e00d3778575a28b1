using static Throttling.Tests.Times;

namespace Throttling.Tests.Policies;

/// <summary>A policy refuses a bad value where it is set, naming the setting, so it never reaches a running client.</summary>
public class PolicyValidationTests
{
    [Fact]
    public void Each_bad_setting_is_refused_with_the_name_of_the_property_that_was_set()
    {
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => new SlotPolicy(0)).ParamName);
        Assert.Equal("QueueLimit", Assert.Throws<ArgumentOutOfRangeException>(() => new SlotPolicy(1) { QueueLimit = -1 }).ParamName);
        Assert.Equal("MaxWait", Assert.Throws<ArgumentOutOfRangeException>(() => new SlotPolicy(1) { MaxWait = TimeSpan.Zero }).ParamName);
        Assert.Equal("MaxRetries", Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffPolicy { MaxRetries = -1 }).ParamName);
        Assert.Equal("BaseDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffPolicy { BaseDelay = -S(1) }).ParamName);
        Assert.Equal("MaxRetryAfter", Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffPolicy { MaxRetryAfter = TimeSpan.Zero }).ParamName);
        Assert.Equal("Kind", Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitPolicy(1, S(1)) { Kind = (RateLimitKind)42 }).ParamName);
        Assert.Equal("RecordingDelayCap", Assert.Throws<ArgumentOutOfRangeException>(() => new ThrottlingPolicy("Serp") { RecordingDelayCap = -Ms(1) }).ParamName);
        Assert.Equal("Backoff", Assert.Throws<ArgumentNullException>(() => new ThrottlingPolicy("Serp") { Backoff = null! }).ParamName);
    }

    [Fact]
    public void Settings_left_unset_take_the_attributes_defaults()
    {
        var slots = new SlotPolicy(4);
        var backoff = new BackoffPolicy();
        var policy = new ThrottlingPolicy("Serp");

        Assert.Equal((int.MaxValue, (TimeSpan?)null), (slots.QueueLimit, slots.MaxWait));
        Assert.Equal((3, S(2), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)), (backoff.MaxRetries, backoff.BaseDelay, backoff.MaxDelay, backoff.MaxRetryAfter));
        Assert.Equal(RateLimitKind.SlidingWindow, new RateLimitPolicy(1, S(1)).Kind);
        Assert.Same(BackoffPolicy.Default, policy.Backoff);
        Assert.Equal(ThrottlingPolicy.DefaultRecordingDelayCap, policy.RecordingDelayCap);
        Assert.Empty(policy.RateLimits);
        Assert.Empty(policy.Methods);
    }

    [Fact]
    public void Two_method_policies_with_one_key_are_refused_naming_the_key()
    {
        var error = Assert.Throws<ArgumentException>(() => new ThrottlingPolicy("Serp")
        {
            Methods = new[] { new MethodPolicy("SearchAsync"), new MethodPolicy("SearchAsync") },
        });

        Assert.Equal("Methods", error.ParamName);
        Assert.Contains("'SearchAsync'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_keeps_its_own_copy_of_the_lists_it_was_given()
    {
        var limits = new[] { new RateLimitPolicy(10, S(1)) };
        var policy = new ThrottlingPolicy("Serp") { RateLimits = limits };

        limits[0] = new RateLimitPolicy(1_000, S(1));

        Assert.Equal(10, Assert.Single(policy.RateLimits).Permits);
    }
}
