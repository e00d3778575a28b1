using Throttling.Analyzers.Rules;
using static Throttling.Analyzers.Tests.Sources;

namespace Throttling.Analyzers.Tests.Rules;

public class HandleTooManyRequestsTests
{
    [Fact]
    public Task Success_checks_without_429_handling_are_flagged()
        => Verify<HandleTooManyRequestsAnalyzer>.AnalyzerAsync(Usings + """
            using System.Net.Http.Json;

            public class Client(HttpClient http)
            {
                public async Task<string> Get(string url)
                {
                    using HttpResponseMessage response = await http.{|THR003:GetAsync|}(url);
                    response.EnsureSuccessStatusCode();
                    return await response.Content.ReadAsStringAsync();
                }

                public async Task<bool> Post(string url)
                {
                    using HttpResponseMessage response = await http.{|THR003:PostAsync|}(url, null);
                    return response.IsSuccessStatusCode;
                }

                public Task<string> Text(string url) => http.{|THR003:GetStringAsync|}(url);

                public Task<int[]?> Json(string url) => http.{|THR003:GetFromJsonAsync|}<int[]>(url);
            }
            """);

    [Fact]
    public Task Handling_429_returning_unchecked_or_a_throttled_client_is_not_flagged()
        => Verify<HandleTooManyRequestsAnalyzer>.AnalyzerAsync(Usings + """
            public class Client(HttpClient http)
            {
                public async Task<string> WithStatus(string url)
                {
                    using HttpResponseMessage response = await http.GetAsync(url);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        throw new InvalidOperationException("slow down");
                    }

                    response.EnsureSuccessStatusCode();
                    return await response.Content.ReadAsStringAsync();
                }

                public async Task<TimeSpan?> WithRetryAfter(string url)
                {
                    using HttpResponseMessage response = await http.GetAsync(url);
                    response.EnsureSuccessStatusCode();
                    return response.Headers.RetryAfter?.Delta;
                }

                public Task<HttpResponseMessage> Unchecked(string url) => http.GetAsync(url);
            }

            [Throttling.RateLimit(10, "1s")]
            public interface ISearch { Task<string> SearchAsync(string query); }

            public class Search(HttpClient http) : ISearch
            {
                public Task<string> SearchAsync(string query) => http.GetStringAsync("/search?q=" + query);
            }
            """);

    [Fact]
    public Task A_resilience_handler_anywhere_in_the_compilation_handles_it()
        => Verify<HandleTooManyRequestsAnalyzer>.AnalyzerAsync(Usings + """
            using Microsoft.Extensions.DependencyInjection;

            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                    => services.AddHttpClient<Client>().AddStandardResilienceHandler();
            }

            public class Client(HttpClient http)
            {
                public Task<string> Text(string url) => http.GetStringAsync(url);
            }
            """, withResilience: true);

    [Fact]
    public Task A_delegating_handler_that_handles_429_handles_it_for_everyone()
        => Verify<HandleTooManyRequestsAnalyzer>.AnalyzerAsync(Usings + """
            public sealed class RetryOn429 : DelegatingHandler
            {
                protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
                {
                    HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
                    if ((int)response.StatusCode == 429 && response.Headers.RetryAfter?.Delta is { } wait)
                    {
                        await Task.Delay(wait, cancellationToken);
                        response = await base.SendAsync(request, cancellationToken);
                    }

                    return response;
                }
            }

            public class Client(HttpClient http)
            {
                public Task<string> Text(string url) => http.GetStringAsync(url);
            }
            """);
}
