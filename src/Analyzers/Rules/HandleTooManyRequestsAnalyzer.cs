using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Throttling.Analyzers.Infrastructure;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Rules;

/// <summary>
/// THR003: an <c>HttpClient</c> call whose response is checked for success (<c>EnsureSuccessStatusCode</c>,
/// <c>IsSuccessStatusCode</c>, or a helper such as <c>GetStringAsync</c> that throws on failure) in a method that handles no
/// 429 and no <c>Retry-After</c>, in a compilation where nothing else handles it.
/// </summary>
/// <remarks>
/// "Nothing else" is decided once per compilation: a resilience handler configured on an <c>HttpClient</c> builder
/// (<c>AddStandardResilienceHandler</c>, <c>AddResilienceHandler</c>, Polly's <c>AddPolicyHandler</c> or
/// <c>AddTransientHttpErrorPolicy</c>), also inside <c>ConfigureHttpClientDefaults</c>, a <c>DelegatingHandler</c> that looks
/// at 429s, or the Aspire <c>AddServiceDefaults()</c> of a referenced project that uses a resilience package, handles them
/// for every client. So the rule reports at the end of the compilation. Where the handling is somewhere the compilation
/// cannot see, <c>throttling.THR003.handled_centrally = true</c> in .editorconfig says so. Not flagged: responses returned to the caller unchecked, code in a
/// class implementing a throttled client (the generated decorator retries its 429s), and code in a DelegatingHandler.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandleTooManyRequestsAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The .editorconfig key that says 429s are handled centrally (a handler this compilation cannot see).</summary>
    public const string HandledCentrallyOption = "throttling.THR003.handled_centrally";

    // The Aspire convention: a ServiceDefaults project's AddServiceDefaults() configures every HttpClient, usually with
    // AddStandardResilienceHandler inside ConfigureHttpClientDefaults. It counts when its assembly references one of these.
    private const string ServiceDefaultsMethod = "AddServiceDefaults";

    private static readonly HashSet<string> ResilienceAssemblies = new()
    {
        "Microsoft.Extensions.Http.Resilience", "Microsoft.Extensions.Http.Polly",
    };

    private static readonly HashSet<string> ResponseMethods = new()
    {
        "SendAsync", "GetAsync", "PostAsync", "PutAsync", "PatchAsync", "DeleteAsync", "Send",
        "PostAsJsonAsync", "PutAsJsonAsync", "PatchAsJsonAsync",
    };

    // These throw on any failure status, so calling them is itself a success check.
    private static readonly HashSet<string> CheckingMethods = new()
    {
        "GetStringAsync", "GetByteArrayAsync", "GetStreamAsync", "GetFromJsonAsync", "DeleteFromJsonAsync", "GetFromJsonAsAsyncEnumerable",
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
            var symbols = new LazyAnalysis<HttpSymbols>(start.Compilation, HttpSymbols.Create);
            var candidates = new ConcurrentBag<Diagnostic>();
            var handledElsewhere = new StrongBox<bool>();
            var bodies = new ConcurrentDictionary<IOperation, BodyFacts>();

            // Only invocations are watched everywhere; a body is read whole only once it makes an HttpClient call or belongs to
            // a DelegatingHandler (whose SendAsync calls base.SendAsync), which keeps the rule off the hot path of literals
            // and member accesses in all other code, and needs no per-body callback.
            start.RegisterOperationAction(
                operation =>
                {
                    if (symbols.Value is { } http)
                    {
                        AnalyzeInvocation(operation, http, candidates, handledElsewhere, bodies);
                    }
                },
                OperationKind.Invocation);
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

    private static void AnalyzeInvocation(
        OperationAnalysisContext context,
        HttpSymbols symbols,
        ConcurrentBag<Diagnostic> candidates,
        StrongBox<bool> handledElsewhere,
        ConcurrentDictionary<IOperation, BodyFacts> bodies)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if ((ResilienceMethods.Contains(method.Name) && symbols.IsResilienceExtension(method)) || IsServiceDefaultsWithResilience(method, context.Compilation))
        {
            handledElsewhere.Value = true;
            return;
        }

        INamedTypeSymbol? owner = context.ContainingSymbol.ContainingType;
        if (symbols.IsDelegatingHandler(owner))
        {
            // A handler that looks at 429s handles them for every client.
            if (bodies.GetOrAdd(RootOf(invocation), body => BodyFacts.Of(body, symbols)).HandlesTooManyRequests)
            {
                handledElsewhere.Value = true;
            }

            return;
        }

        if (!(ResponseMethods.Contains(method.Name) || CheckingMethods.Contains(method.Name)) || !symbols.IsHttpClientMethod(method)
            || ThrottledTypes.IsThrottledClientOrImplementation(owner, symbols.Throttling))
        {
            return;
        }


        if (IsHandledCentrally(context))
        {
            return;
        }

        BodyFacts facts = bodies.GetOrAdd(RootOf(invocation), body => BodyFacts.Of(body, symbols));
        if (facts.ChecksSuccess && !facts.HandlesTooManyRequests && !facts.IsHeadProbe)
        {
            candidates.Add(Diagnostic.Create(DiagnosticDescriptors.MissingTooManyRequestsHandling, MemberNameLocation.Of(invocation), method.Name));
        }
    }

    // The defaults' own assembly names the resilience package in the IDE; a command-line build compiles against its
    // reference assembly, which keeps no reference a signature does not need, so the package reaching this compilation
    // (transitively, through the ServiceDefaults project) counts too.
    private static bool IsServiceDefaultsWithResilience(IMethodSymbol method, Compilation compilation)
        => method.Name == ServiceDefaultsMethod
            && (method.ReducedFrom ?? method).IsExtensionMethod
            && method.ContainingAssembly is { } assembly
            && (assembly.Modules.Any(m => m.ReferencedAssemblies.Any(r => ResilienceAssemblies.Contains(r.Name)))
                || ResilienceAssemblies.Any(name => ExplicitReferences.Include(compilation, name)));

    private static bool IsHandledCentrally(OperationAnalysisContext context)
        => context.Options.AnalyzerConfigOptionsProvider.GetOptions(context.Operation.Syntax.SyntaxTree).TryGetValue(HandledCentrallyOption, out string? value)
            && string.Equals(value.Trim(), "true", System.StringComparison.OrdinalIgnoreCase);

    private static IOperation RootOf(IOperation operation)
    {
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }

    /// <summary>What one member body does with the responses it gets.</summary>
    private sealed class BodyFacts
    {
        private BodyFacts(bool checksSuccess, bool handlesTooManyRequests, bool isHeadProbe)
        {
            ChecksSuccess = checksSuccess;
            HandlesTooManyRequests = handlesTooManyRequests;
            IsHeadProbe = isHeadProbe;
        }

        /// <summary>It fails on an unsuccessful status: <c>EnsureSuccessStatusCode</c>, <c>IsSuccessStatusCode</c>, or a throwing helper.</summary>
        public bool ChecksSuccess { get; }

        /// <summary>It looks at 429 or <c>Retry-After</c>, or throws the runtime's <c>TooManyRequestsException</c>.</summary>
        public bool HandlesTooManyRequests { get; }

        /// <summary>
        /// It sends a HEAD request and only tests <c>IsSuccessStatusCode</c>, never enforcing it: a best-effort probe whose
        /// failure means "take the other path", where waiting out a Retry-After would only delay that path.
        /// </summary>
        public bool IsHeadProbe { get; }

        public static BodyFacts Of(IOperation body, HttpSymbols symbols)
        {
            bool checksSuccess = false;
            bool enforcesSuccess = false;
            bool sendsHead = false;
            bool handlesTooMany = false;
            foreach (IOperation operation in body.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IInvocationOperation invocation:
                        IMethodSymbol method = invocation.TargetMethod;
                        if (CheckingMethods.Contains(method.Name) && symbols.IsHttpClientMethod(method))
                        {
                            checksSuccess = enforcesSuccess = true;
                        }
                        else if (method.Name == "EnsureSuccessStatusCode" && symbols.IsResponse(method.ContainingType))
                        {
                            checksSuccess = enforcesSuccess = true;
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
                        else if (property.Property.Name == "Head" && symbols.IsHttpMethod(property.Property.ContainingType))
                        {
                            sendsHead = true;
                        }

                        break;
                    case IFieldReferenceOperation field when symbols.IsTooManyRequests(field.Field):
                    case ILiteralOperation { ConstantValue: { HasValue: true, Value: 429 } }:
                    case IObjectCreationOperation creation when symbols.IsTooManyRequestsException(creation.Type as INamedTypeSymbol):
                        handlesTooMany = true;
                        break;
                }
            }

            return new BodyFacts(checksSuccess, handlesTooMany, sendsHead && !enforcesSuccess);
        }
    }

    /// <summary>A mutable box shared by the callbacks of one compilation.</summary>
    private sealed class StrongBox<T>
    {
        public T Value { get; set; } = default!;
    }
}
