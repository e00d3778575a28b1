using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Throttling.Generators.Models;
using Throttling.Roslyn;

namespace Throttling.Generators.Tests;

public class CachingTests
{
    private const string Client = """
        using System.Threading;
        using System.Threading.Tasks;
        namespace N;
        [Throttling.Slots(4)]
        [Throttling.RateLimit(10, "1s")]
        public interface IClient
        {
            Task<int> GetAsync(int id, CancellationToken cancellationToken = default);
        }
        """;

    // Rate limits only, one of them counted in tokens: its method's cost is part of the model.
    private const string RateOnly = """
        namespace N;
        [Throttling.RateLimit(10, "1s")]
        [Throttling.RateLimit(1000, "1m", Unit = "tokens")]
        public interface IOther { System.Threading.Tasks.Task RunAsync([Throttling.Cost] int tokens); }
        """;

    [Fact]
    public void An_unrelated_edit_leaves_every_step_and_output_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Client, RateOnly, "namespace N; public class Unrelated { }");
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        CSharpCompilation edited = Replace(compilation, 2, "namespace N; public class Unrelated { public int Added => 42; }");
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string step in new[] { TrackingNames.ClientsWithSlots, TrackingNames.ClientsWithRateLimitOnly })
        {
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{step}: {output.Reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Adding_a_member_changes_the_model_and_the_output()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Client);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        CSharpCompilation edited = Replace(compilation, 0, Client.Replace("Task<int> GetAsync", "Task PingAsync();\n    Task<int> GetAsync", StringComparison.Ordinal));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.ClientsWithSlots].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("PingAsync", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_model_holds_no_symbols_syntax_or_compilations()
    {
        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(SemanticModel), typeof(Location), typeof(SyntaxTree) };
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>(new[] { typeof(ClientModel) });
        while (pending.Count > 0)
        {
            Type type = pending.Dequeue();
            if (!seen.Add(type) || type.IsPrimitive || type == typeof(string) || type.IsEnum)
            {
                continue;
            }

            Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(type));

            // A field typed as an abstract model holds its derived records: walk those too.
            foreach (Type derived in type.Assembly.GetTypes().Where(t => t.BaseType == type))
            {
                pending.Enqueue(derived);
            }

            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
            {
                Type fieldType = field.FieldType.IsArray ? field.FieldType.GetElementType()! : field.FieldType;
                pending.Enqueue(fieldType);
                foreach (Type argument in fieldType.GetGenericArguments())
                {
                    pending.Enqueue(argument);
                }
            }
        }

        Assert.Contains(typeof(MethodModel), seen);
        Assert.Contains(typeof(PropertyModel), seen);
        Assert.Contains(typeof(RateLimitValues), seen);
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, int index, string source)
    {
        SyntaxTree old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, old.FilePath));
    }
}
