using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace Throttling;

/// <summary>
/// Recognizes the ways a server says "too many requests": an <see cref="HttpResponseMessage"/> with status 429, an
/// <see cref="HttpRequestException"/> carrying 429, and <see cref="TooManyRequestsException"/>.
/// </summary>
public static class ServerThrottle
{
    /// <summary>The HTTP status a server answers when a client exceeds its limits.</summary>
    public const HttpStatusCode TooManyRequests = (HttpStatusCode)429;

    /// <summary>Detects 429 responses; generated clients use it for methods returning <see cref="HttpResponseMessage"/>.</summary>
    public static ThrottleDetector<HttpResponseMessage> HttpResponse { get; } = IsThrottled;

    /// <summary>Whether <paramref name="response"/> is a 429, and its <c>Retry-After</c>; a missing response is not.</summary>
    public static bool IsThrottled(HttpResponseMessage? response, out RetryAfter retryAfter)
        => IsThrottled(response?.StatusCode, response?.Headers, out retryAfter);

    /// <summary>
    /// Whether a status and response headers, read from any HTTP client library (Refit's <c>IApiResponse</c> and
    /// <c>ApiException</c>, say), mean the call was throttled; <c>Retry-After</c> is read from its raw values
    /// (<see cref="RetryAfter.From(HttpResponseHeaders)"/>).
    /// </summary>
    public static bool IsThrottled(HttpStatusCode? statusCode, HttpResponseHeaders? headers, out RetryAfter retryAfter)
    {
        retryAfter = statusCode == TooManyRequests ? RetryAfter.From(headers) : RetryAfter.None;
        return statusCode == TooManyRequests;
    }

    /// <summary>
    /// Whether a status and <c>Retry-After</c> header, read from any HTTP client library (Refit's <c>IApiResponse</c> and
    /// <c>ApiException</c>, say), mean the call was throttled.
    /// </summary>
    public static bool IsThrottled(HttpStatusCode? statusCode, RetryConditionHeaderValue? retryAfterHeader, out RetryAfter retryAfter)
    {
        retryAfter = statusCode == TooManyRequests ? RetryAfter.From(retryAfterHeader) : RetryAfter.None;
        return statusCode == TooManyRequests;
    }

    /// <summary>
    /// Reads gRPC's <c>grpc-retry-pushback-ms</c> trailer, sent with <c>RESOURCE_EXHAUSTED</c> (gRPC's 429): milliseconds to
    /// wait, or a negative value meaning "do not retry", which fails the call at once.
    /// </summary>
    public static RetryAfter FromGrpcPushback(string? milliseconds)
    {
        if (!long.TryParse(milliseconds?.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long value))
        {
            return RetryAfter.None;
        }

        return RetryAfter.After(value < 0 ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(value));
    }

    /// <summary>Whether <paramref name="exception"/> says the server throttled the call.</summary>
    public static bool IsThrottled(Exception exception, out RetryAfter retryAfter)
    {
        switch (exception)
        {
            case TooManyRequestsException tooMany:
                retryAfter = tooMany.RetryAfter is { } delay ? RetryAfter.After(delay) : RetryAfter.None;
                return true;
#if NET5_0_OR_GREATER
            case HttpRequestException { StatusCode: TooManyRequests }:
                retryAfter = RetryAfter.None;
                return true;
#endif
            default:
                retryAfter = RetryAfter.None;
                return false;
        }
    }
}
