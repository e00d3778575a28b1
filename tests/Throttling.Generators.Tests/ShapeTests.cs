using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Throttling.Generators.Tests;

/// <summary>Interfaces a real codebase has; each must yield a client that compiles without a warning.</summary>
public class ShapeTests
{
    public static TheoryData<string, string> Sources => new()
    {
        {
            "name clashes become explicit implementations",
            """
            using System.Threading.Tasks;
            namespace N;
            public interface IA { Task<int> GetAsync(); int Policy { get; } }
            public interface IB { Task<string> GetAsync(); }
            [Throttling.Slots(2)]
            public interface IClient : IA, IB { new Task<long> GetAsync(); new void Policy(); }
            """
        },
        {
            "global namespace and keyword identifiers",
            """
            using System.Threading.Tasks;
            [Throttling.RateLimit(5, "1s")]
            internal interface @event { Task @class(int @int, string @params); Task<string> @object { get; } }
            """
        },
        {
            "overloads with their own limits and backoff",
            """
            using System.Threading;
            using System.Threading.Tasks;
            namespace N;
            [Throttling.Slots(3)]
            public interface IClient
            {
                [Throttling.RateLimit(1, "1s")] Task SendAsync(int id);
                [Throttling.RateLimit(2, "1s")] Task SendAsync(string name);
                [Throttling.Backoff(MaxRetries = 0)] Task SendAsync(long id, CancellationToken token);
                Task SendAsync(double value);
            }
            """
        },
        {
            "parameters named like the call state, and many of them",
            """
            using System.Threading.Tasks;
            namespace N;
            [Throttling.Slots(3)]
            public interface IClient
            {
                Task<int> A(int inner, int s);
                Task<int> B(int Item1, int Item2, int Rest);
                Task<int> C(int a, int b, int c, int d, int e, int f, int g, int h, int i, string j);
                Task<int> D(in System.DateTime at);
            }
            """
        },
        {
            "parameters and members named like the decorator's fields",
            """
            using System.Threading.Tasks;
            namespace N;
            [Throttling.Slots(3)]
            public interface IClient
            {
                Task<int> A(int _inner, int _gate);
                [Throttling.RateLimit(1, "1s")] Task<int> Search(string _searchGate);
                int _searchGate { get; }
                void Reset(int _inner);
            }
            """
        },
        {
            "a generic interface with a generic method",
            """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            namespace N;
            [Throttling.Slots(3)]
            public interface IStore<TKey, TValue> where TKey : struct where TValue : class?
            {
                Task<TValue?> GetAsync(TKey key);
                Task<IReadOnlyList<TOther>> MapAsync<TOther>(TKey key, System.Func<TValue, TOther> map) where TOther : notnull, System.IComparable<TOther>;
                IAsyncEnumerable<KeyValuePair<TKey, TValue>> ScanAsync();
            }
            """
        },
        {
            "members that pass through and default interface methods",
            """
            using System;
            using System.Threading.Tasks;
            namespace N;
            [Throttling.Slots(3)]
            public interface IClient : IAsyncDisposable
            {
                ref int Counter { get; }
                ref readonly int Peek();
                int Init { get; init; }
                Task<int> Twice(int x) => Task.FromResult(x * 2);
                static virtual int Answer() => 42;
                Task Send(Span<byte> payload);
                void Reset();
            }
            """
        },
        {
            "an interface nested in a type that is not partial is served from its namespace",
            """
            using System.Threading.Tasks;
            namespace N;
            public class Outer
            {
                [Throttling.Slots(2)]
                internal interface IClient { Task RunAsync(); }
            }
            """
        },
        {
            "interfaces nested in types that are not partial take the accessibility their namespace allows",
            """
            using System.Threading.Tasks;
            namespace N;
            internal class Hidden
            {
                [Throttling.Slots(2)]
                public interface IInner { Task RunAsync(); }
            }
            public class Shown
            {
                [Throttling.Slots(2)]
                protected internal interface IOuter { Task RunAsync(); }
            }
            """
        },
        {
            "a private interface nested in a partial type",
            """
            using System.Threading.Tasks;
            namespace N
            {
                public partial class Outer
                {
                    [Throttling.Slots(2)]
                    private interface IClient { Task RunAsync(); }
                    private readonly IClient _client = new ThrottledClient(null!);
                }
            }
            """
        },
        {
            "interfaces with attributes written in full and aliased",
            """
            using System.Threading.Tasks;
            using Limit = Throttling.RateLimitAttribute;
            namespace N;
            [Throttling.SlotsAttribute(1)]
            public interface IOne { Task RunAsync(); }
            [Limit(1, "1h")]
            public interface ITwo { Task RunAsync(); }
            """
        },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Compiles_without_a_warning(string shape, string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.True(run.HintNames.Count > 0, shape);
        run.AssertCompilesCleanly();
    }

    [Fact]
    public void A_name_without_the_I_prefix_convention_is_kept_whole()
    {
        Assert.Equal("ThrottledSerpClient", Throttling.Roslyn.ClientPlacement.ClassNameOf("ISerpClient"));
        Assert.Equal("ThrottledInventory", Throttling.Roslyn.ClientPlacement.ClassNameOf("Inventory"));
        Assert.Equal("ThrottledI", Throttling.Roslyn.ClientPlacement.ClassNameOf("I"));
        Assert.Equal("ThrottledSearch", Throttling.Roslyn.ClientPlacement.ClassNameOf("Search"));
    }

    [Fact]
    public void An_interface_with_both_attributes_gets_one_client()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            namespace N;
            [Throttling.RateLimit(5, "1s")]
            [Throttling.Slots(2)]
            [Throttling.RateLimit(50, "1m")]
            public interface IClient { System.Threading.Tasks.Task RunAsync(); }
            """);

        Assert.Equal(new[] { "N.ThrottledClient.g.cs" }, run.HintNames);
        run.AssertCompilesCleanly();
    }

    [Theory]
    [InlineData("[Throttling.RateLimit(50, \"1m\")]")]
    [InlineData("[Throttling.Slots(2)]")]
    public void A_partial_interface_attributed_on_several_parts_gets_one_client_with_every_limit(string secondPart)
    {
        GeneratorRun run = GeneratorHarness.Run(
            """
            namespace N;
            [Throttling.RateLimit(5, "1s")]
            public partial interface IClient { System.Threading.Tasks.Task RunAsync(); }
            """,
            $$"""
            namespace N;
            {{secondPart}}
            public partial interface IClient { System.Threading.Tasks.Task StopAsync(); }
            """);

        Assert.Equal(new[] { "N.ThrottledClient.g.cs" }, run.HintNames);
        run.AssertCompilesCleanly();
        string client = run.Source("N.ThrottledClient.g.cs");
        Assert.Contains("RateLimitPolicy(5, global::System.TimeSpan.FromSeconds(1))", client, StringComparison.Ordinal);
        Assert.Contains("StopAsync", client, StringComparison.Ordinal);
        Assert.Contains(secondPart.Contains("Slots", StringComparison.Ordinal) ? "SlotPolicy(2" : "RateLimitPolicy(50, global::System.TimeSpan.FromMinutes(1))", client, StringComparison.Ordinal);
    }

    [Fact]
    public void Below_CSharp_9_no_client_is_generated()
    {
        const string Source = """
            namespace N
            {
                [Throttling.Slots(2)]
                public interface IClient { System.Threading.Tasks.Task RunAsync(); }
            }
            """;
        static GeneratorRun RunAt(LanguageVersion version)
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation(Source);
            return GeneratorHarness.Run(compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(
                t => t.WithRootAndOptions(t.GetRoot(), GeneratorHarness.ParseOptions.WithLanguageVersion(version)))));
        }

        Assert.Empty(RunAt(LanguageVersion.CSharp8).HintNames);
        Assert.Equal(new[] { "N.ThrottledClient.g.cs" }, RunAt(LanguageVersion.CSharp9).HintNames);
    }

    [Fact]
    public void A_library_that_vendors_an_internal_copy_of_a_known_type_does_not_hide_the_real_one()
    {
        // Two definitions of Refit.ApiException (Refit's, and one a library compiled in as internal) make
        // Compilation.GetTypeByMetadataName return null; the user's code sees exactly one, and so must the generator.
        CSharpCompilation vendoring = CSharpCompilation.Create(
            "Vendoring",
            new[] { CSharpSyntaxTree.ParseText("namespace Refit { internal sealed class ApiException : System.Exception { } }") },
            Basic.Reference.Assemblies.Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        CSharpCompilation user = GeneratorHarness.Compilation(
            new[]
            {
                """
                namespace N;
                [Throttling.Slots(2)]
                public interface IClient { System.Threading.Tasks.Task RunAsync(); }
                """,
            },
            withRefit: true,
            withGrpc: false).AddReferences(vendoring.ToMetadataReference());
        Assert.Null(user.GetTypeByMetadataName("Refit.ApiException"));

        GeneratorRun run = GeneratorHarness.Run(user);

        run.AssertCompilesCleanly();
        Assert.Contains("case global::Refit.ApiException api:", run.Source("N.ThrottledClient.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Clients_that_would_clash_in_their_namespace_are_not_generated()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            namespace N;
            public class Search { [Throttling.Slots(2)] public interface IClient { Task RunAsync(); } }
            public class Billing { [Throttling.Slots(2)] public interface IClient { Task RunAsync(); } }
            public partial class Mail { [Throttling.Slots(2)] public interface IClient { Task RunAsync(); } }
            """);

        Assert.Equal(new[] { "N.Mail.ThrottledClient.g.cs" }, run.HintNames);
        run.AssertCompilesCleanly();
    }

    [Fact]
    public void Output_is_deterministic()
    {
        const string Source = """
            namespace N;
            [Throttling.Slots(2)]
            public interface IClient { System.Threading.Tasks.Task<int> RunAsync(string a, int b = 3); }
            """;

        Assert.Equal(GeneratorHarness.Run(Source).Source("N.ThrottledClient.g.cs"), GeneratorHarness.Run(Source).Source("N.ThrottledClient.g.cs"));
    }
}
