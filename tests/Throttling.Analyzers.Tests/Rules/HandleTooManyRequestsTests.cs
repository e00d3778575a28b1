using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
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

                public async Task Send(string url, int[] body)
                {
                    using HttpResponseMessage response = await http.{|THR003:PostAsJsonAsync|}(url, body);
                    response.EnsureSuccessStatusCode();
                }

                public Task<int[]?> Remove(string url) => http.{|THR003:DeleteFromJsonAsync|}<int[]>(url);
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

    [Fact]
    public Task A_resilience_handler_in_ConfigureHttpClientDefaults_handles_it()
        => Verify<HandleTooManyRequestsAnalyzer>.AnalyzerAsync(Usings + """
            using Microsoft.Extensions.DependencyInjection;

            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                    => services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
            }

            public class Client(HttpClient http)
            {
                public Task<string> Text(string url) => http.GetStringAsync(url);
            }
            """, withResilience: true);

    [Fact]
    public Task Aspire_service_defaults_from_a_referenced_project_handle_it_when_that_project_uses_resilience()
        => AspireAsync(
            """
            using Microsoft.Extensions.DependencyInjection;

            public static class Extensions
            {
                public static IServiceCollection AddServiceDefaults(this IServiceCollection services)
                    => services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
            }
            """,
            TestReferences.Resilience);

    [Fact]
    public Task A_method_named_AddServiceDefaults_without_resilience_handles_nothing()
        => Verify<HandleTooManyRequestsAnalyzer>.AnalyzerAsync(Usings + """
            public static class Extensions
            {
                public static HttpClient AddServiceDefaults(this HttpClient http) => http;
            }

            public class Client(HttpClient http)
            {
                public Task<string> Text(string url) => http.AddServiceDefaults().{|THR003:GetStringAsync|}(url);
            }
            """);

    [Fact]
    public Task An_editorconfig_switch_says_429s_are_handled_centrally()
        => Verify<HandleTooManyRequestsAnalyzer>.AnalyzerAsync(Usings + """
            public class Client(HttpClient http)
            {
                public Task<string> Text(string url) => http.GetStringAsync(url);
            }
            """, editorConfig: "throttling.THR003.handled_centrally = true\n");

    [Fact]
    public Task Aspire_service_defaults_count_when_the_resilience_package_reaches_this_compilation()
        => AspireAsync(
            // A command-line build compiles against ServiceDefaults' reference assembly, which names no resilience package.
            """
            using Microsoft.Extensions.DependencyInjection;

            public static class Extensions
            {
                public static IServiceCollection AddServiceDefaults(this IServiceCollection services) => services;
            }
            """,
            new[] { MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location) });

    [Fact]
    public Task A_HEAD_probe_that_only_tests_success_is_not_flagged_and_one_that_enforces_it_is()
        => Verify<HandleTooManyRequestsAnalyzer>.AnalyzerAsync(Usings + """
            public class StreamOpener(HttpClient client)
            {
                public async Task<bool> CanShare(Uri source)
                {
                    try
                    {
                        using var head = new HttpRequestMessage(HttpMethod.Head, source);
                        using HttpResponseMessage response = await client.SendAsync(head);
                        if (response.IsSuccessStatusCode)
                        {
                            return response.Content.Headers.ContentType?.MediaType == "video/mp2t";
                        }
                    }
                    catch (Exception)
                    {
                    }

                    return false;
                }

                public async Task<long?> Length(Uri source)
                {
                    using var head = new HttpRequestMessage(HttpMethod.Head, source);
                    using HttpResponseMessage response = await client.{|THR003:SendAsync|}(head);
                    response.EnsureSuccessStatusCode();
                    return response.Content.Headers.ContentLength;
                }
            }
            """);

    // A service calling AddServiceDefaults() from a ServiceDefaults project with the given source and references; the
    // service itself references the resilience package, as an Aspire service does through its defaults.
    private static Task AspireAsync(string defaultsSource, IEnumerable<MetadataReference> defaultsReferences)
    {
        var test = new CSharpAnalyzerTest<HandleTooManyRequestsAnalyzer, DefaultVerifier>
        {
            TestCode = Usings + """
                public static class Program
                {
                    public static void Configure(Microsoft.Extensions.DependencyInjection.IServiceCollection services) => services.AddServiceDefaults();
                }

                public class Client(HttpClient http)
                {
                    public Task<string> Text(string url) => http.GetStringAsync(url);
                }
                """,
            ReferenceAssemblies = TestReferences.Net80,
        };
        Verify<HandleTooManyRequestsAnalyzer>.Configure(test.TestState, withThrottling: false, withResilience: true);
        ProjectState defaults = new("ServiceDefaults", LanguageNames.CSharp, "/ServiceDefaults/", "cs");
        defaults.Sources.Add(("/ServiceDefaults/Extensions.cs", defaultsSource));
        defaults.AdditionalReferences.AddRange(defaultsReferences);
        test.TestState.AdditionalProjects.Add(defaults.Name, defaults);
        test.TestState.AdditionalProjectReferences.Add("ServiceDefaults");
        return test.RunAsync();
    }
}
