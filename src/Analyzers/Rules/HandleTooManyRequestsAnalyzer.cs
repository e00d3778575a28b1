using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Throttling.Analyzers.Infrastructure;

namespace Throttling.Analyzers.Rules;

/// <summary>
/// THR003: an <c>HttpClient</c> call whose response is checked for success (<c>EnsureSuccessStatusCode</c>,
/// <c>IsSuccessStatusCode</c>, or a helper such as <c>GetStringAsync</c> that throws on failure) in a method that handles no
/// 429 and no <c>Retry-After</c>, in a compilation where nothing else handles it.
/// </summary>
/// <remarks>
/// "Nothing else" is decided once per compilation: a resilience handler configured on an <c>HttpClient</c> builder
/// (<c>AddStandardResilienceHandler</c>, <c>AddResilienceHandler</c>, Polly's <c>AddPolicyHandler</c> or
/// <c>AddTransientHttpErrorPolicy</c>), or a <c>DelegatingHandler</c> that looks at 429s, handles them for every client.
/// So the rule reports at the end of the compilation. Not flagged: responses returned to the caller unchecked, code in a
/// class implementing a throttled client (the generated decorator retries its 429s), and code in a DelegatingHandler.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandleTooManyRequestsAnalyzer : DiagnosticAnalyzer
{
    private static readonly HashSet<string> ResponseMethods = new()
    {
        "SendAsync", "GetAsync", "PostAsync", "PutAsync", "PatchAsync", "DeleteAsync", "Send",
    };

    // These throw on any failure status, so calling them is itself a success check.
    private static readonly HashSet<string> CheckingMethods = new()
    {
        "GetStringAsync", "GetByteArrayAsync", "GetStreamAsync", "GetFromJsonAsync",
    };

    // AddTransientHttpErrorPolicy is not here: it handles 5xx and 408, never 429.
    private static readonly HashSet<string> ResilienceMethods = new()
    {
        "AddStandardResilienceHandler", "AddResilienceHandler", "AddStandardHedgingHandler", "AddPolicyHandler",
    };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.MissingTooManyRequestsHandling);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (HttpSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            var candidates = new ConcurrentBag<Diagnostic>();
            var handledElsewhere = new StrongBox<bool>();
            start.RegisterOperationBlockStartAction(block => AnalyzeBlock(block, symbols, candidates, handledElsewhere));
            start.RegisterCompilationEndAction(end =>
            {
                if (!handledElsewhere.Value)
                {
                    foreach (Diagnostic diagnostic in candidates)
                    {
                        end.ReportDiagnostic(diagnostic);
                    }
                }
            });
        });
    }

    private static void AnalyzeBlock(OperationBlockStartAnalysisContext context, HttpSymbols symbols, ConcurrentBag<Diagnostic> candidates, StrongBox<bool> handledElsewhere)
    {
        INamedTypeSymbol? owner = context.OwningSymbol.ContainingType;
        bool inHandler = symbols.IsDelegatingHandler(owner);
        var calls = new List<IInvocationOperation>();
        bool checksSuccess = false;
        bool handlesTooMany = false;

        context.RegisterOperationAction(
            operation =>
            {
                switch (operation.Operation)
                {
                    case IInvocationOperation invocation:
                        IMethodSymbol method = invocation.TargetMethod;
                        if (symbols.IsHttpClientMethod(method))
                        {
                            if (ResponseMethods.Contains(method.Name))
                            {
                                calls.Add(invocation);
                            }
                            else if (CheckingMethods.Contains(method.Name))
                            {
                                calls.Add(invocation);
                                checksSuccess = true;
                            }
                        }
                        else if (method.Name == "EnsureSuccessStatusCode" && symbols.IsResponse(method.ContainingType))
                        {
                            checksSuccess = true;
                        }
                        else if (ResilienceMethods.Contains(method.Name) && symbols.IsResilienceExtension(method))
                        {
                            handledElsewhere.Value = true;
                        }
                        else if (symbols.IsTooManyRequestsException(method.ContainingType))
                        {
                            handlesTooMany = true;
                        }

                        break;
                    case IPropertyReferenceOperation property:
                        if (property.Property.Name == "IsSuccessStatusCode" && symbols.IsResponse(property.Property.ContainingType))
                        {
                            checksSuccess = true;
                        }
                        else if (property.Property.Name == "RetryAfter" && symbols.IsResponseHeaders(property.Property.ContainingType))
                        {
                            handlesTooMany = true;
                        }

                        break;
                    case IFieldReferenceOperation field when symbols.IsTooManyRequests(field.Field):
                    case ILiteralOperation { ConstantValue: { HasValue: true, Value: 429 } }:
                    case IObjectCreationOperation creation when symbols.IsTooManyRequestsException(creation.Type as INamedTypeSymbol):
                        handlesTooMany = true;
                        break;
                }
            },
            OperationKind.Invocation,
            OperationKind.PropertyReference,
            OperationKind.FieldReference,
            OperationKind.Literal,
            OperationKind.ObjectCreation);

        context.RegisterOperationBlockEndAction(end =>
        {
            if (handlesTooMany && inHandler)
            {
                handledElsewhere.Value = true;
            }

            if (!checksSuccess || handlesTooMany || inHandler || calls.Count == 0
                || ThrottledTypes.IsThrottledClientOrImplementation(owner, symbols.Throttling))
            {
                return;
            }

            foreach (IInvocationOperation call in calls)
            {
                candidates.Add(Diagnostic.Create(DiagnosticDescriptors.MissingTooManyRequestsHandling, MemberNameLocation.Of(call), call.TargetMethod.Name));
            }
        });
    }

    /// <summary>A mutable box shared by the callbacks of one compilation.</summary>
    private sealed class StrongBox<T>
    {
        public T Value { get; set; } = default!;
    }
}
