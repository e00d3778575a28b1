using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Attributes;

/// <summary>
/// THR102: a member of a throttled interface that the generated client cannot gate (a synchronous method, a property,
/// an event, a by-reference parameter) and forwards ungated, so a call through it escapes the slots and limits.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MemberPassesThroughUngatedAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.MemberPassesThrough);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (ThrottlingSymbols.CreateIfReferenced(start.Compilation) is { HasAttributes: true } symbols)
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
            MemberHandling handling = ClientMember.Classify(member, symbols, out _, out string reason);
            if (handling is MemberHandling.PassedThrough or MemberHandling.Unsupported)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.MemberPassesThrough,
                    ClientLocation.Of(member, client),
                    ClientLocation.NameOf(member, client),
                    reason));
            }
        }
    }
}
