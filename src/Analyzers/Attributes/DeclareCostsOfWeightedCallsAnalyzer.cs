using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Attributes;

/// <summary>
/// THR105: a <c>[Cost]</c> that names no integer (a non-integer parameter, a property that does not exist or is not an
/// integer, two of them on one method). THR106: a gated method of a client with a limit counted in units, without a
/// <c>[Cost]</c>. THR104: a <c>[Cost]</c> on a gated method no weighted limit counts. The generator reads costs with the
/// same code (<see cref="CostParameter"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclareCostsOfWeightedCallsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InvalidCost, DiagnosticDescriptors.MissingCost, DiagnosticDescriptors.AttributeWithoutEffect);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (ThrottlingSymbols.CreateIfReferenced(start.Compilation) is not { HasAttributes: true, CostAttribute: not null } symbols)
            {
                return;
            }

            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, symbols), SymbolKind.Method);
            start.RegisterSymbolAction(symbol => AnalyzeClient(symbol, symbols), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, ThrottlingSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!CostParameter.HasCost(method, symbols))
        {
            return;
        }

        var problems = new List<CostProblem>();
        CostParameter.Read(method, symbols, problems);
        foreach (CostProblem problem in problems)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidCost, problem.Location ?? Location.None, problem.Detail));
        }
    }

    // Judged per client: a base interface's method is charged by the limits of the client that inherits it.
    private static void AnalyzeClient(SymbolAnalysisContext context, ThrottlingSymbols symbols)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Interface } client || !symbols.IsThrottledClient(client))
        {
            return;
        }

        AttributeData? clientLimit = WeightedLimitOf(client, symbols);
        foreach (IMethodSymbol method in ClientMember.ImplementedMembers(client).OfType<IMethodSymbol>())
        {
            if (ClientMember.Classify(method, symbols, out _, out _) != MemberHandling.Gated)
            {
                continue;
            }

            AttributeData? limit = clientLimit ?? WeightedLimitOf(method, symbols);
            bool hasCost = CostParameter.HasCost(method, symbols);
            if (limit is not null && !hasCost)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.MissingCost,
                    ClientLocation.Of(method, client),
                    ClientLocation.NameOf(method, client),
                    Describe(limit)));
            }
            else if (limit is null && hasCost && SymbolEqualityComparer.Default.Equals(method.ContainingType, client))
            {
                foreach (AttributeData cost in method.Parameters.SelectMany(p => p.GetAttributes()).Where(a => ThrottlingSymbols.Is(a, symbols.CostAttribute)))
                {
                    if (cost.ApplicationSyntaxReference is { } reference)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.AttributeWithoutEffect,
                            Location.Create(reference.SyntaxTree, reference.Span),
                            "Cost",
                            $"no limit of {client.Name} or of '{method.Name}' counts units; add one such as [RateLimit(90_000, \"1m\", Unit = \"tokens\")]"));
                    }
                }
            }
        }
    }

    private static AttributeData? WeightedLimitOf(ISymbol symbol, ThrottlingSymbols symbols)
        => symbol.GetAttributes().FirstOrDefault(a => ThrottlingSymbols.Is(a, symbols.RateLimitAttribute) && !LimitRules.CountsRequests(ThrottlingAttributes.UnitOf(a)));

    // As the attribute says it: "90000 tokens per 1m".
    private static string Describe(AttributeData limit)
    {
        string unit = ThrottlingAttributes.UnitOf(limit);
        string permits = limit.ConstructorArguments.Length > 0 ? System.Convert.ToString(limit.ConstructorArguments[0].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "?" : "?";
        string window = limit.ConstructorArguments.Length > 1 ? limit.ConstructorArguments[1].Value as string ?? "?" : "?";
        return $"{permits} {unit} per {window}";
    }
}
