using System.Net;
using System.Net.Http;
using static Throttling.Tests.Times;

namespace Throttling.Tests.ServerSignals;

public class RetryAfterParsingTests
{
    [Theory]
    [InlineData("120, 120", 120)]
    [InlineData("5, 30,10", 30)]
    [InlineData(" 45 ", 45)]
    [InlineData("soon, 7", 7)]
    public void Raw_values_the_typed_header_cannot_parse_are_read_and_a_list_means_its_largest(string header, double seconds)
    {
        Assert.Equal(S(seconds), ReadFrom(header).Resolve(Start));
    }

    [Fact]
    public void A_number_too_large_for_a_TimeSpan_is_an_absurd_wait_not_an_absent_one()
    {
        Assert.Equal(TimeSpan.FromSeconds(99999999999), ReadFrom("99999999999").Resolve(Start));
        Assert.Equal(TimeSpan.MaxValue, ReadFrom("99999999999999999999999").Resolve(Start));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("")]
    public void Unreadable_values_count_as_no_Retry_After(string header)
    {
        Assert.False(ReadFrom(header).IsSpecified);
        Assert.Null(ReadFrom(header).Resolve(Start));
    }

    [Fact]
    public void A_date_is_resolved_against_the_responses_own_Date_header_so_clock_skew_changes_nothing()
    {
        // The server's clock is an hour behind ours: without its Date header the date would already be past.
        DateTimeOffset serverNow = Start - TimeSpan.FromHours(1);
        using var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.Date = serverNow;
        response.Headers.TryAddWithoutValidation("Retry-After", (serverNow + S(90)).ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(ServerThrottle.IsThrottled(response, out RetryAfter retryAfter));
        Assert.Equal(S(90), retryAfter.Resolve(Start));
    }

    [Fact]
    public void Dates_in_a_list_keep_their_own_commas_and_the_latest_wins()
    {
        string first = (Start + S(30)).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        string second = (Start + S(60)).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(S(60), ReadFrom(first + ", " + second).Resolve(Start));
        Assert.Equal(S(60), ReadFrom(first + ", 60, 10").Resolve(Start));
    }

    [Theory]
    [InlineData(" 250 ", 250)]
    [InlineData("250\t", 250)]
    public void Grpc_pushback_with_whitespace_is_read(string trailer, double milliseconds)
    {
        Assert.Equal(Ms(milliseconds), ServerThrottle.FromGrpcPushback(trailer).Resolve(Start));
    }

    private static RetryAfter ReadFrom(string header)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.TryAddWithoutValidation("Retry-After", header);
        Assert.True(ServerThrottle.IsThrottled(response, out RetryAfter retryAfter));
        return retryAfter;
    }
}
