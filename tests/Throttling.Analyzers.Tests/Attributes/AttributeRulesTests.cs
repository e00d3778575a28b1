using Microsoft.CodeAnalysis.CSharp;
using Throttling.Analyzers.Attributes;

namespace Throttling.Analyzers.Tests.Attributes;

public class UseValidThrottlingAttributeValuesTests
{
    [Fact]
    public Task A_malformed_duration_is_an_error_on_the_literal()
        => Verify<UseValidThrottlingAttributeValuesAnalyzer>.AnalyzerAsync("""
            using Throttling;

            [RateLimit(10, {|THR100:"10 seconds"|})]
            [Slots(2, MaxWait = {|THR100:"30"|})]
            public interface IClient
            {
                [Backoff(BaseDelay = {|THR100:"2x"|}, MaxDelay = "60s", MaxRetryAfter = {|THR100:"0s"|})]
                System.Threading.Tasks.Task RunAsync();

                [RateLimit(1, window: {|THR100:null|})]
                System.Threading.Tasks.Task WalkAsync();
            }
            """);

    [Fact]
    public Task Counts_that_could_never_let_a_call_run_are_errors_on_the_argument()
        => Verify<UseValidThrottlingAttributeValuesAnalyzer>.AnalyzerAsync("""
            using Throttling;

            [Slots({|THR101:0|}, QueueLimit = {|THR101:-1|})]
            [RateLimit({|THR101:-5|}, "1s", Kind = {|THR101:(RateLimitKind)7|})]
            public interface IClient
            {
                [Backoff(MaxRetries = {|THR101:-1|})]
                System.Threading.Tasks.Task RunAsync();
            }

            public static class Limits { public const int None = 0; }

            [Slots({|THR101:Limits.None|})]
            public interface IOther { }

            [Slots(8, Adaptive = true, MinSlots = {|THR101:9|})]
            public interface IAdaptive { }

            [Slots(8, Adaptive = true, MinSlots = {|THR101:0|})]
            public interface IAdaptiveFloor { }
            """);

    [Fact]
    public Task Valid_values_and_constants_are_accepted()
        => Verify<UseValidThrottlingAttributeValuesAnalyzer>.AnalyzerAsync("""
            using Throttling;

            public static class Plan { public const int Slots = 22; public const string Window = "1m"; }

            [Slots(Plan.Slots, QueueLimit = 0, MaxWait = "1.5s", Adaptive = true, MinSlots = Plan.Slots)]
            [RateLimit(1000, Plan.Window)]
            [RateLimit(permits: 20000, window: "1d", Kind = RateLimitKind.FixedWindow)]
            [Backoff(MaxRetries = 0, BaseDelay = "500ms", MaxDelay = "1h", MaxRetryAfter = "1d")]
            public interface IClient
            {
                System.Threading.Tasks.Task RunAsync(System.Threading.CancellationToken cancellationToken);
            }
            """);

    [Fact]
    public Task Pragma_suppresses_it_like_any_diagnostic()
        => Verify<UseValidThrottlingAttributeValuesAnalyzer>.AnalyzerAsync("""
            using Throttling;

            #pragma warning disable THR100
            [RateLimit(10, "soon")]
            #pragma warning restore THR100
            public interface IClient { }
            """);

    [Fact]
    public Task Code_without_the_runtime_is_left_alone()
        => Verify<UseValidThrottlingAttributeValuesAnalyzer>.AnalyzerAsync("""
            [System.Obsolete("10 seconds")]
            public interface IClient { }
            """, withThrottling: false);
}

public class MemberPassesThroughUngatedTests
{
    [Fact]
    public Task Members_that_cannot_be_gated_are_named_with_the_reason()
        => Verify<MemberPassesThroughUngatedAnalyzer>.AnalyzerAsync("""
            using System;
            using System.Threading.Tasks;
            using Throttling;

            public interface IBase { int Count(); }

            [Slots(2)]
            public interface {|THR102:IClient|} : IBase, IDisposable, IAsyncDisposable
            {
                Task RunAsync(System.Threading.CancellationToken cancellationToken);
                string {|THR102:Name|} { get; }
                event EventHandler {|THR102:Changed|};
                bool {|THR102:TryGet|}(string key, out string value);
                Task {|THR102:Fill|}(ref int buffer);
                [Unthrottled] Task<bool> PingAsync();
            }
            """);

    [Fact]
    public Task A_client_of_gated_methods_only_is_quiet()
        => Verify<MemberPassesThroughUngatedAnalyzer>.AnalyzerAsync("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Throttling;

            [RateLimit(5, "1s")]
            public interface IClient : System.IDisposable
            {
                Task RunAsync(CancellationToken cancellationToken);
                ValueTask<int> CountAsync(CancellationToken cancellationToken);
                IAsyncEnumerable<string> StreamAsync(CancellationToken cancellationToken);
            }

            public interface INotThrottled { int Count(); }
            """);
}

public class GatedMethodShouldTakeCancellationTokenTests
{
    [Fact]
    public Task A_gated_method_without_a_token_is_reported_whatever_the_tokens_name()
        => Verify<GatedMethodShouldTakeCancellationTokenAnalyzer>.AnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;
            using Throttling;

            [Slots(2)]
            public interface IClient
            {
                Task {|THR103:RunAsync|}();
                Task WalkAsync(CancellationToken ct);
                Task<int> SwimAsync(int laps, CancellationToken token = default);
                [Unthrottled] Task PingAsync();
                int Count();
            }
            """);
}

public class ThrottlingAttributeWithoutEffectTests
{
    [Fact]
    public Task Configuration_on_an_interface_that_is_not_throttled_has_no_effect()
        => Verify<ThrottlingAttributeWithoutEffectAnalyzer>.AnalyzerAsync("""
            using System.Threading.Tasks;
            using Throttling;

            [{|THR104:Backoff(MaxRetries = 5)|}]
            public interface IPlain
            {
                [{|THR104:RateLimit(1, "1s")|}] Task RunAsync();
                [{|THR104:Unthrottled|}] Task PingAsync();
            }

            public class Service
            {
                [{|THR104:RateLimit(1, "1s")|}] public Task RunAsync() => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task Client_attributes_below_CSharp_9_say_that_no_client_is_generated()
        => Verify<ThrottlingAttributeWithoutEffectAnalyzer>.AnalyzerAsync("""
            using System.Threading.Tasks;
            using Throttling;

            [{|THR104:Slots(2)|}]
            [{|THR104:RateLimit(1, "1s")|}]
            public interface IClient
            {
                Task RunAsync();
            }
            """, languageVersion: LanguageVersion.CSharp8);

    [Fact]
    public Task Client_attributes_from_CSharp_9_are_quiet()
        => Verify<ThrottlingAttributeWithoutEffectAnalyzer>.AnalyzerAsync("""
            using System.Threading.Tasks;
            using Throttling;

            [Slots(2)]
            [RateLimit(1, "1s")]
            public interface IClient
            {
                Task RunAsync();
            }
            """, languageVersion: LanguageVersion.CSharp9);

    [Fact]
    public Task Client_attributes_on_an_interface_that_cannot_get_a_client_say_why()
        => Verify<ThrottlingAttributeWithoutEffectAnalyzer>.AnalyzerAsync("""
            using System.Threading.Tasks;
            using Throttling;

            namespace N
            {
                public class Search { [{|THR104:Slots(2)|}] public interface IClient { Task RunAsync(); } }
                public class Billing { [{|THR104:Slots(2)|}] public interface IClient { Task RunAsync(); } }
                public class Secret { [{|THR104:Slots(2)|}] private interface IHidden { Task RunAsync(); } }
                public class Box<T> { [{|THR104:RateLimit(1, "1s")|}] public interface IBoxed { Task RunAsync(); } }
            }
            """);

    [Fact]
    public Task Client_attributes_on_interfaces_that_get_a_client_are_quiet()
        => Verify<ThrottlingAttributeWithoutEffectAnalyzer>.AnalyzerAsync("""
            using System.Threading.Tasks;
            using Throttling;

            namespace N
            {
                [Slots(2)] public interface IClient { Task RunAsync(); }
                public partial class Mail { [Slots(2)] private interface IClient { Task RunAsync(); } }
                public partial class Box<T> { [Slots(2)] public interface IBoxed { Task RunAsync(); } }
                public class Reports { [Slots(2)] internal interface IReports { Task RunAsync(); } }
            }
            """);

    [Fact]
    public Task Configuration_read_by_a_throttled_client_is_quiet_even_on_a_base_interface()
        => Verify<ThrottlingAttributeWithoutEffectAnalyzer>.AnalyzerAsync("""
            using System.Threading.Tasks;
            using Throttling;

            public interface IBase
            {
                [RateLimit(1, "1s")] Task SearchAsync();
                [Unthrottled] Task PingAsync();
            }

            [Slots(2)]
            [Backoff(MaxRetries = 5)]
            public interface IClient : IBase
            {
                [Backoff(MaxRetries = 0)] Task RunAsync();
            }
            """);
}

public class DeclareCostsOfWeightedCallsTests
{
    [Fact]
    public Task A_cost_that_names_no_integer_is_an_error_on_the_exact_span()
        => Verify<DeclareCostsOfWeightedCallsAnalyzer>.AnalyzerAsync("""
            using System.Threading.Tasks;
            using Throttling;

            public sealed class ChatRequest { public int MaxTokens { get; init; } public string Model { get; init; } = ""; public static int Default { get; } = 1; }

            [RateLimit(90_000, "1m", Unit = "tokens")]
            public interface IChat
            {
                Task RunAsync([Cost] {|THR105:string|} maxTokens);
                Task AskAsync([Cost({|THR105:"Tokens"|})] ChatRequest request);
                Task NameAsync([Cost({|THR105:"Model"|})] ChatRequest request);
                Task StaticAsync([Cost({|THR105:"Default"|})] ChatRequest request);
                Task BothAsync([Cost] int input, [{|THR105:Cost|}] int output);
                Task HugeAsync([Cost] {|THR105:ulong|} tokens);
            }
            """);

    [Fact]
    public Task A_gated_method_under_a_weighted_limit_without_a_cost_is_an_error_on_the_method()
        => Verify<DeclareCostsOfWeightedCallsAnalyzer>.AnalyzerAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Throttling;

            // An inherited method is reported on the client that gates it.
            public interface IBase { Task PingAsync(); }

            [RateLimit(500, "1m")]
            [RateLimit(90_000, "1m", Unit = "tokens")]
            public interface {|THR106:IChat|} : IBase
            {
                Task<int> {|THR106:CompleteAsync|}(string prompt);
                IAsyncEnumerable<string> {|THR106:StreamAsync|}(string prompt);
                [Unthrottled] Task<int> ModelsAsync();
                string Passed(string prompt);
            }

            [RateLimit(500, "1m")]
            public interface ISearch
            {
                [RateLimit(1_000, "1d", Unit = "credits")]
                Task<int> {|THR106:ExtractAsync|}(string url);
                Task<int> SearchAsync(string query);
            }
            """);

    [Fact]
    public Task A_cost_where_no_limit_counts_units_has_no_effect()
        => Verify<DeclareCostsOfWeightedCallsAnalyzer>.AnalyzerAsync("""
            using System.Threading.Tasks;
            using Throttling;

            [RateLimit(500, "1m")]
            public interface IChat
            {
                Task<int> CompleteAsync(string prompt, [{|THR104:Cost|}] int maxTokens);

                [RateLimit(100, "1m", Unit = "requests")]
                Task<int> AskAsync(string prompt, [{|THR104:Cost|}] int maxTokens);
            }
            """);

    [Fact]
    public Task Costs_of_every_accepted_form_are_quiet()
        => Verify<DeclareCostsOfWeightedCallsAnalyzer>.AnalyzerAsync("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Throttling;

            public interface ISized { long Size { get; } }
            public record Request(string Prompt, int MaxTokens) : ISized { public long Size => MaxTokens; }
            public record struct Page(short Credits);

            [Slots(8)]
            [RateLimit(90_000, "1m", Unit = "tokens")]
            public interface IChat
            {
                Task<int> CompleteAsync(string prompt, [Cost] int maxTokens, CancellationToken cancellationToken = default);
                Task<int> AskAsync([Cost(nameof(Request.MaxTokens))] Request request);
                Task<int> SizeAsync([Cost("Size")] ISized request);
                ValueTask PageAsync([Cost("Credits")] Page page);
                IAsyncEnumerable<string> StreamAsync([Cost] long tokens);
                [Unthrottled] Task<int> ModelsAsync();
            }

            [Slots(2)]
            public interface IPlain { Task<int> RunAsync(int count); }
            """);

    [Fact]
    public Task A_blank_unit_is_an_error_on_its_literal()
        => Verify<UseValidThrottlingAttributeValuesAnalyzer>.AnalyzerAsync("""
            using Throttling;

            [RateLimit(10, "1s", Unit = {|THR101:" "|})]
            public interface IClient { }
            """);
}
