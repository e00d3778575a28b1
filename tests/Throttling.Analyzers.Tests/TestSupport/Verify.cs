using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Throttling.Analyzers.Tests;

/// <summary>The reference assemblies every analyzer test compiles against, set once.</summary>
internal static class TestReferences
{
    /// <summary>.NET 8 (the oldest runtime we target with the runtime package) plus Throttling itself.</summary>
    public static readonly ReferenceAssemblies Net80 = ReferenceAssemblies.Net.Net80;

    /// <summary>.NET 10, where Task.WhenAll(a, b) binds to params ReadOnlySpan&lt;Task&gt;.</summary>
    public static readonly ReferenceAssemblies Net100 = new("net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.15"), Path.Combine("ref", "net10.0"));

    public static MetadataReference Throttling { get; } = MetadataReference.CreateFromFile(typeof(SlotsAttribute).Assembly.Location);

    /// <summary>System.Threading.RateLimiting ships as a package, not in Microsoft.NETCore.App.</summary>
    public static MetadataReference RateLimiting { get; } = MetadataReference.CreateFromFile(typeof(System.Threading.RateLimiting.RateLimiter).Assembly.Location);

    public static IEnumerable<MetadataReference> Resilience { get; } = new[]
    {
        typeof(Microsoft.Extensions.DependencyInjection.ResilienceHttpClientBuilderExtensions),
        typeof(Microsoft.Extensions.DependencyInjection.IHttpClientBuilder),
        typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection),
        typeof(Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions),
    }.Select(t => MetadataReference.CreateFromFile(t.Assembly.Location)).ToArray();
}

/// <summary>Runs an analyzer over markup (<c>{|THR001:...|}</c>) and checks exactly the marked diagnostics appear.</summary>
internal static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task AnalyzerAsync(
        string source,
        bool withThrottling = true,
        bool withResilience = false,
        OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary,
        ReferenceAssemblies? references = null,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        string? editorConfig = null)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = references ?? TestReferences.Net80,
        };
        test.TestState.OutputKind = outputKind;
        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig));
        }

        test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectParseOptions(
            projectId,
            ((CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!).WithLanguageVersion(languageVersion)));
        Configure(test.TestState, withThrottling, withResilience);
        return test.RunAsync();
    }

    internal static void Configure(SolutionState state, bool withThrottling, bool withResilience)
    {
        state.AdditionalReferences.Add(TestReferences.RateLimiting);
        if (withThrottling)
        {
            state.AdditionalReferences.Add(TestReferences.Throttling);
        }

        if (withResilience)
        {
            state.AdditionalReferences.AddRange(TestReferences.Resilience);
        }
    }
}

/// <summary>Runs a code fix on one marked diagnostic and on all of them at once (Fix All), and compiles the result.</summary>
internal static class Verify<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static Task CodeFixAsync(string source, string fixedSource, bool withThrottling = true, string? codeActionEquivalenceKey = null, string? editorConfig = null)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource,
            ReferenceAssemblies = TestReferences.Net80,
            CodeActionEquivalenceKey = codeActionEquivalenceKey,
        };
        Verify<TAnalyzer>.Configure(test.TestState, withThrottling, withResilience: false);
        Verify<TAnalyzer>.Configure(test.FixedState, withThrottling, withResilience: false);
        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig));
            test.FixedState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig));
        }

        return test.RunAsync();
    }

    /// <summary>The diagnostics stay and no fix is offered: the rewrite could change meaning.</summary>
    public static Task NoCodeFixAsync(string source, bool withThrottling = true)
        => CodeFixAsync(source, source, withThrottling);
}
