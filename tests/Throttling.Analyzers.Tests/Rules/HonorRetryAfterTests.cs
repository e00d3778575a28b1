using Throttling.Analyzers.Rules;
using static Throttling.Analyzers.Tests.Sources;

namespace Throttling.Analyzers.Tests.Rules;

public class HonorRetryAfterTests
{
    [Fact]
    public Task Retry_loops_that_ignore_Retry_After_or_wait_a_fixed_delay_are_reported()
        => Verify<HonorRetryAfterAnalyzer>.AnalyzerAsync(Usings + """
            public class Client(HttpClient http)
            {
                public async Task<HttpResponseMessage> IgnoresRetryAfter(string url)
                {
                    while (true)
                    {
                        HttpResponseMessage response = await http.GetAsync(url);
                        if (response.StatusCode != HttpStatusCode.TooManyRequests) return response;
                        await Task.{|THR006:Delay|}(1000);
                    }
                }

                public async Task<HttpResponseMessage> FixedWithoutJitter(string url)
                {
                    for (int attempt = 0; ; attempt++)
                    {
                        HttpResponseMessage response = await http.GetAsync(url);
                        if ((int)response.StatusCode != 429 || attempt == 3) return response;
                        TimeSpan? asked = response.Headers.RetryAfter?.Delta;
                        await Task.{|THR006:Delay|}(TimeSpan.FromSeconds(2));
                    }
                }

                public async Task<HttpResponseMessage> FallsBackToAFixedDelay(string url)
                {
                    while (true)
                    {
                        HttpResponseMessage response = await http.GetAsync(url);
                        if (response.StatusCode != HttpStatusCode.TooManyRequests) return response;
                        TimeSpan wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5);
                        await Task.{|THR006:Delay|}(wait);
                        TimeSpan? asked = response.Headers.RetryAfter?.Delta;
                        await Task.{|THR006:Delay|}(asked.HasValue ? asked.Value : TimeSpan.FromSeconds(1));
                        await Task.{|THR006:Delay|}(asked.GetValueOrDefault(TimeSpan.FromSeconds(1)));
                    }
                }
            }
            """);

    [Fact]
    public Task Retry_loops_that_honor_Retry_After_with_jitter_and_unrelated_loops_are_quiet()
        => Verify<HonorRetryAfterAnalyzer>.AnalyzerAsync(Usings + """
            public class Client(HttpClient http)
            {
                public async Task<HttpResponseMessage> Honors(string url)
                {
                    while (true)
                    {
                        HttpResponseMessage response = await http.GetAsync(url);
                        if (response.StatusCode != HttpStatusCode.TooManyRequests) return response;
                        TimeSpan wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                        await Task.Delay(wait + TimeSpan.FromMilliseconds(Random.Shared.Next(250)));
                    }
                }

                public async Task<HttpResponseMessage> ReadsTheHeaderByName(string url)
                {
                    while (true)
                    {
                        HttpResponseMessage response = await http.GetAsync(url);
                        if ((int)response.StatusCode != 429) return response;
                        string wait = response.Headers.TryGetValues("Retry-After", out var values) ? values.First() : "1";
                        await Task.Delay(TimeSpan.FromSeconds(double.Parse(wait)));
                    }
                }

                public async Task Polls()
                {
                    for (int i = 0; i < 3; i++)
                    {
                        await Task.Delay(1000);
                    }
                }
            }
            """);
}
