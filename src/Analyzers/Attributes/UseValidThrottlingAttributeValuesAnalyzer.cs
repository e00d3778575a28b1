using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Attributes;

/// <summary>
/// THR100 and THR101: a duration that does not parse, or a count that could never let a call run, in a Throttling
/// attribute. Reported on the literal itself, from the same validation the generator applies.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UseValidThrottlingAttributeValuesAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.MalformedDuration, DiagnosticDescriptors.OutOfRangeCount);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (ThrottlingSymbols.CreateIfReferenced(start.Compilation) is not { HasAttributes: true } symbols)
            {
                return;
            }

            start.RegisterSymbolAction(symbol => Analyze(symbol, symbols), SymbolKind.NamedType, SymbolKind.Method);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, ThrottlingSymbols symbols)
    {
        foreach (AttributeData attribute in context.Symbol.GetAttributes())
        {
            var problems = new List<AttributeProblem>();
            if (ThrottlingSymbols.Is(attribute, symbols.SlotsAttribute))
            {
                ThrottlingAttributes.ReadSlots(attribute, problems);
            }
            else if (ThrottlingSymbols.Is(attribute, symbols.RateLimitAttribute))
            {
                ThrottlingAttributes.ReadRateLimit(attribute, problems);
            }
            else if (ThrottlingSymbols.Is(attribute, symbols.BackoffAttribute))
            {
                ThrottlingAttributes.ReadBackoff(attribute, problems);
            }

            foreach (AttributeProblem problem in problems)
            {
                DiagnosticDescriptor rule = problem.IsMalformedDuration ? DiagnosticDescriptors.MalformedDuration : DiagnosticDescriptors.OutOfRangeCount;
                context.ReportDiagnostic(Diagnostic.Create(rule, LocationOf(attribute, problem, context.CancellationToken), problem.Detail));
            }
        }
    }

    // The argument's expression: the literal the user has to change.
    private static Location LocationOf(AttributeData attribute, AttributeProblem problem, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return Location.None;
        }

        int position = 0;
        foreach (AttributeArgumentSyntax argument in syntax.ArgumentList?.Arguments ?? default)
        {
            string? name = argument.NameEquals?.Name.Identifier.ValueText ?? argument.NameColon?.Name.Identifier.ValueText;
            bool isNamedProperty = argument.NameEquals is not null;
            bool matches = name is null
                ? position == problem.ConstructorIndex
                : name == problem.ArgumentName && isNamedProperty == (problem.ConstructorIndex < 0);
            if (matches)
            {
                return argument.Expression.GetLocation();
            }

            if (name is null)
            {
                position++;
            }
        }

        return syntax.GetLocation();
    }
}
