using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Attributes;

/// <summary>
/// THR104: <c>[Backoff]</c>, <c>[Unthrottled]</c> or a method's <c>[RateLimit]</c> where no throttled client reads it: on an
/// interface without <c>[Slots]</c>/<c>[RateLimit]</c> that no throttled interface inherits, or on a class; and
/// <c>[Slots]</c>/<c>[RateLimit]</c> on an interface that can get no client (below C# 9, or nested where it cannot go).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThrottlingAttributeWithoutEffectAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.AttributeWithoutEffect);

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

            // Built only when an attribute sits on a method of a non-throttled interface, which is rare.
            var inheritedByClients = new Lazy<HashSet<INamedTypeSymbol>>(() => InterfacesInheritedByClients(start.Compilation, symbols, start.CancellationToken));
            bool languageTooOld = start.Compilation is CSharpCompilation { LanguageVersion: < LanguageVersion.CSharp9 };
            start.RegisterSymbolAction(symbol => Analyze(symbol, symbols, inheritedByClients, languageTooOld), SymbolKind.NamedType, SymbolKind.Method);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, ThrottlingSymbols symbols, Lazy<HashSet<INamedTypeSymbol>> inheritedByClients, bool languageTooOld)
    {
        ISymbol symbol = context.Symbol;
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            bool isBackoff = ThrottlingSymbols.Is(attribute, symbols.BackoffAttribute);
            bool isClientLimit = ThrottlingSymbols.Is(attribute, symbols.SlotsAttribute) || ThrottlingSymbols.Is(attribute, symbols.RateLimitAttribute);
            bool isMethodOnly = symbol is IMethodSymbol
                && (ThrottlingSymbols.Is(attribute, symbols.RateLimitAttribute) || ThrottlingSymbols.Is(attribute, symbols.UnthrottledAttribute));
            if (!isBackoff && !isMethodOnly && !isClientLimit)
            {
                continue;
            }

            string? why = symbol switch
            {
                // The generated decorator uses static lambdas, so the generator makes no client below C# 9.
                INamedTypeSymbol { TypeKind: TypeKind.Interface } when isClientLimit && languageTooOld => "the generated client needs C# 9 or later",
                INamedTypeSymbol { TypeKind: TypeKind.Interface } client when isClientLimit => ClientPlacement.WhyNoClient(client, symbols),
                INamedTypeSymbol type when !symbols.IsThrottledClient(type) => $"{type.Name} has neither [Slots] nor [RateLimit]",
                IMethodSymbol { ContainingType.TypeKind: not TypeKind.Interface } method => $"{method.ContainingType.Name} is not an interface; only throttled interfaces read it",
                IMethodSymbol method when !symbols.IsThrottledClient(method.ContainingType) && !inheritedByClients.Value.Contains(method.ContainingType)
                    => $"{method.ContainingType.Name} has neither [Slots] nor [RateLimit], and no throttled interface inherits it",
                _ => null,
            };

            if (why is not null && attribute.ApplicationSyntaxReference is { } reference)
            {
                string name = attribute.AttributeClass!.Name;
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.AttributeWithoutEffect,
                    Location.Create(reference.SyntaxTree, reference.Span),
                    name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name,
                    why));
            }
        }
    }

    private static HashSet<INamedTypeSymbol> InterfacesInheritedByClients(Compilation compilation, ThrottlingSymbols symbols, CancellationToken cancellationToken)
    {
        var inherited = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(compilation.Assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (INamespaceOrTypeSymbol member in pending.Pop().GetMembers().OfType<INamespaceOrTypeSymbol>())
            {
                pending.Push(member);
                if (member is INamedTypeSymbol { TypeKind: TypeKind.Interface } type && symbols.IsThrottledClient(type))
                {
                    inherited.UnionWith(type.AllInterfaces.Select(i => i.OriginalDefinition));
                }
            }
        }

        return inherited;
    }
}
