using System.Collections.Immutable;
using System.Reflection;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Throttling.Generators;

namespace Throttling.Generators.Tests;

/// <summary>Compiles sources in memory with the generator, the way a user's project would.</summary>
internal static class GeneratorHarness
{
    private static readonly MetadataReference[] BaseReferences = Net100.References.All
        .Append(MetadataReference.CreateFromFile(typeof(SlotsAttribute).Assembly.Location))
        .Append(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location))
        .ToArray();

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compilation(params string[] sources) => Compilation(sources, withRefit: false, withGrpc: false);

    public static CSharpCompilation Compilation(string[] sources, bool withRefit, bool withGrpc)
    {
        IEnumerable<MetadataReference> references = BaseReferences;
        if (withRefit)
        {
            references = references.Append(MetadataReference.CreateFromFile(typeof(Refit.ApiException).Assembly.Location));
        }

        if (withGrpc)
        {
            references = references.Append(MetadataReference.CreateFromFile(typeof(Grpc.Core.RpcException).Assembly.Location));
        }

        return CSharpCompilation.Create(
            "UserCode",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"File{i}.cs")),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    // As the SDK does: references built against an older System.Runtime unify with this one.
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));
    }

    public static GeneratorDriver Driver(bool trackSteps = false, CSharpParseOptions? parseOptions = null)
        => CSharpGeneratorDriver.Create(
            new[] { new ThrottledClientGenerator().AsSourceGenerator() },
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackSteps));

    /// <summary>Runs the generator; the result holds the generated sources and the compilation that includes them.</summary>
    public static GeneratorRun Run(CSharpCompilation compilation)
    {
        // Generated trees are parsed as the user's are: one language version per compilation.
        var parseOptions = (CSharpParseOptions?)compilation.SyntaxTrees.FirstOrDefault()?.Options;
        GeneratorDriver driver = Driver(parseOptions: parseOptions).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        return new GeneratorRun(result, output, diagnostics);
    }

    public static GeneratorRun Run(params string[] sources) => Run(Compilation(sources));
}

internal sealed record GeneratorRun(GeneratorRunResult Result, Compilation Output, ImmutableArray<Diagnostic> DriverDiagnostics)
{
    public string Source(string hintName) => Result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    public IReadOnlyList<string> HintNames => Result.GeneratedSources.Select(s => s.HintName).ToArray();

    /// <summary>Errors and warnings of the whole compilation, generated code included.</summary>
    public IReadOnlyList<Diagnostic> Problems => Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();

    public void AssertCompilesCleanly()
    {
        Assert.Null(Result.Exception);
        Assert.Empty(DriverDiagnostics);
        Assert.True(Problems.Count == 0, string.Join(Environment.NewLine, Problems.Select(d => d.ToString())) + Environment.NewLine + string.Join(Environment.NewLine, Result.GeneratedSources.Select(s => s.SourceText.ToString())));
    }

    /// <summary>Emits the compilation and loads it, to run the generated client.</summary>
    public Assembly Load()
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = Output.Emit(stream);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        return Assembly.Load(stream.ToArray());
    }
}
