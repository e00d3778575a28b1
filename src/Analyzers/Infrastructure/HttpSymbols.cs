using Microsoft.CodeAnalysis;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>The HTTP and resilience types THR003 and THR006 look for, resolved once per compilation.</summary>
internal sealed class HttpSymbols
{
    private readonly INamedTypeSymbol? _httpStatusCode;
    private readonly INamedTypeSymbol? _responseHeaders;
    private readonly INamedTypeSymbol? _delegatingHandler;
    private readonly INamedTypeSymbol? _resilienceExtensions;
    private readonly INamedTypeSymbol? _pollyExtensions;
    private readonly INamedTypeSymbol? _tooManyRequestsException;
    private readonly INamedTypeSymbol? _httpMethod;

    private HttpSymbols(Compilation compilation, INamedTypeSymbol httpClient, INamedTypeSymbol response)
    {
        HttpClient = httpClient;
        Response = response;
        _httpStatusCode = compilation.GetBestTypeByMetadataName("System.Net.HttpStatusCode");
        _responseHeaders = compilation.GetBestTypeByMetadataName("System.Net.Http.Headers.HttpResponseHeaders");
        _delegatingHandler = compilation.GetBestTypeByMetadataName("System.Net.Http.DelegatingHandler");
        _resilienceExtensions = compilation.GetBestTypeByMetadataName("Microsoft.Extensions.DependencyInjection.ResilienceHttpClientBuilderExtensions");
        _pollyExtensions = compilation.GetBestTypeByMetadataName("Microsoft.Extensions.DependencyInjection.PollyHttpClientBuilderExtensions");
        _tooManyRequestsException = compilation.GetBestTypeByMetadataName("Throttling.TooManyRequestsException");
        _httpMethod = compilation.GetBestTypeByMetadataName("System.Net.Http.HttpMethod");
        Throttling = ThrottlingSymbols.Create(compilation);
    }

    public INamedTypeSymbol HttpClient { get; }

    public INamedTypeSymbol Response { get; }

    public ThrottlingSymbols Throttling { get; }

    public static HttpSymbols? Create(Compilation compilation)
        => compilation.GetBestTypeByMetadataName("System.Net.Http.HttpClient") is { } client
            && compilation.GetBestTypeByMetadataName(KnownTypeNames.HttpResponseMessage) is { } response
            ? new HttpSymbols(compilation, client, response)
            : null;

    /// <summary>A method of <c>HttpClient</c> itself, or an extension on it (<c>GetFromJsonAsync</c>).</summary>
    public bool IsHttpClientMethod(IMethodSymbol method)
    {
        IMethodSymbol original = method.ReducedFrom ?? method;
        ITypeSymbol? receiver = original.IsExtensionMethod ? original.Parameters[0].Type : method.ContainingType;
        for (ITypeSymbol? type = receiver; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type, HttpClient))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsResponse(INamedTypeSymbol? type) => TypeHierarchy.IsOrDerivesFrom(type, Response);

    public bool IsResponseHeaders(INamedTypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, _responseHeaders);

    public bool IsHttpMethod(INamedTypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, _httpMethod);

    public bool IsDelegatingHandler(INamedTypeSymbol? type) => TypeHierarchy.IsOrDerivesFrom(type, _delegatingHandler);

    public bool IsTooManyRequests(IFieldSymbol field)
        => SymbolEqualityComparer.Default.Equals(field.ContainingType, _httpStatusCode) && field.ConstantValue is 429;

    public bool IsTooManyRequestsException(INamedTypeSymbol? type) => TypeHierarchy.IsOrDerivesFrom(type, _tooManyRequestsException);

    public bool IsResilienceExtension(IMethodSymbol method)
    {
        INamedTypeSymbol? type = (method.ReducedFrom ?? method).ContainingType;
        return type is not null && (SymbolEqualityComparer.Default.Equals(type, _resilienceExtensions) || SymbolEqualityComparer.Default.Equals(type, _pollyExtensions));
    }
}
