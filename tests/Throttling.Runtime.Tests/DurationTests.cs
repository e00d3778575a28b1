namespace Throttling.Tests;

public class DurationTests
{
    [Theory]
    [InlineData("500ms", 500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1.5s", 1500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("0.1s", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1m", TimeSpan.TicksPerMinute)]
    [InlineData("1h", TimeSpan.TicksPerHour)]
    [InlineData("1d", TimeSpan.TicksPerDay)]
    [InlineData("0.5ms", TimeSpan.TicksPerMillisecond / 2)]
    [InlineData("60s", TimeSpan.TicksPerMinute)]
    [InlineData("007s", 7 * TimeSpan.TicksPerSecond)]
    [InlineData("10675199d", 10675199 * TimeSpan.TicksPerDay)]
    public void Parses_every_unit(string text, long ticks)
    {
        Assert.True(Duration.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("s")]
    [InlineData("1x")]
    [InlineData("1S")]
    [InlineData("1 s")]
    [InlineData(" 1s")]
    [InlineData("1s ")]
    [InlineData("-1s")]
    [InlineData("+1s")]
    [InlineData("0s")]
    [InlineData("0.00001ms")]
    [InlineData("1.s")]
    [InlineData(".5s")]
    [InlineData("1.2.3s")]
    [InlineData("1e3s")]
    [InlineData("1,5s")]
    [InlineData("1sec")]
    [InlineData("1min")]
    [InlineData("99999999999999d")]
    [InlineData("10675200d")]
    [InlineData("100000000000000000000d")]
    [InlineData("9999999999999999999999999999d")]
    public void Rejects_anything_else(string? text)
        => Assert.False(Duration.TryParse(text, out _));

    [Fact]
    public void Parse_names_the_setting_and_the_accepted_forms()
    {
        var error = Assert.Throws<FormatException>(() => Duration.Parse("5x", "Throttling:Serp:MaxWait"));
        Assert.Contains("Throttling:Serp:MaxWait", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"5x\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(Duration.AcceptedForms, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1d")]
    [InlineData("36h")]
    [InlineData("90m")]
    [InlineData("45s")]
    [InlineData("1500ms")]
    [InlineData("0.5ms")]
    public void Format_writes_what_Parse_reads(string text)
    {
        TimeSpan value = Duration.Parse(text, "test");
        Assert.Equal(value, Duration.Parse(Duration.Format(value), "test"));
    }

    [Fact]
    public void Format_picks_the_largest_whole_unit()
    {
        Assert.Equal("2m", Duration.Format(TimeSpan.FromSeconds(120)));
        Assert.Equal("1500ms", Duration.Format(TimeSpan.FromMilliseconds(1500)));
    }

    [Theory]
    [InlineData(527.0191, "527 ms")]
    [InlineData(999.6, "1 s")]
    [InlineData(1_000, "1 s")]
    [InlineData(1_500, "1.5 s")]
    [InlineData(120_000, "2 min")]
    [InlineData(5_400_000, "1.5 h")]
    [InlineData(172_800_000, "2 d")]
    [InlineData(0, "0 ms")]
    public void Durations_in_messages_read_as_people_say_them(double milliseconds, string expected)
        => Assert.Equal(expected, Duration.Describe(TimeSpan.FromMilliseconds(milliseconds)));
}
