using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Attributes;

/// <summary>THR103: a gated method without a <see cref="System.Threading.CancellationToken"/>, whose wait for its turn cannot be cancelled.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GatedMethodShouldTakeCancellationTokenAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.GatedMethodWithoutCancellation);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (ThrottlingSymbols.CreateIfReferenced(start.Compilation) is { HasAttributes: true, CancellationToken: not null } symbols)
            {
                start.RegisterSymbolAction(symbol => Analyze(symbol, symbols), SymbolKind.NamedType);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, ThrottlingSymbols symbols)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Interface } client || !symbols.IsThrottledClient(client))
        {
            return;
        }

        foreach (ISymbol member in ClientMember.ImplementedMembers(client))
        {
            if (member is IMethodSymbol method
                && ClientMember.Classify(method, symbols, out _, out _) == MemberHandling.Gated
                && ClientMember.CancellationTokenOf(method, symbols) is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.GatedMethodWithoutCancellation,
                    ClientLocation.Of(method, client),
                    ClientLocation.NameOf(method, client)));
            }
        }
    }
}
