using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Throttling.Generators.Models;
using Throttling.Roslyn;

namespace Throttling.Generators.Parsing;

/// <summary>
/// Turns an annotated interface into a <see cref="ClientModel"/>; null when an attribute value is bad (the THR1xx
/// analyzer reports it) or the interface cannot get a client.
/// </summary>
internal static partial class ClientParser
{
    /// <summary>Which pipeline found the interface: one carrying both attributes is parsed once, by the first.</summary>
    public enum Owner
    {
        SlotsPipeline,
        RateLimitPipeline,
    }

    public static ClientModel? Parse(GeneratorAttributeSyntaxContext context, Owner ownedBy, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Interface } client)
        {
            return null;
        }

        // The decorator uses static lambdas: below C# 9 there is no client, and THR104 says why on the attribute.
        if (context.TargetNode.SyntaxTree.Options is not CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp9 })
        {
            return null;
        }

        ThrottlingSymbols symbols = ThrottlingSymbols.Create(context.SemanticModel.Compilation);
        if (ownedBy == Owner.RateLimitPipeline && client.GetAttributes().Any(a => ThrottlingSymbols.Is(a, symbols.SlotsAttribute)))
        {
            return null;
        }

        if (!IsFirstAttributedPart(context.TargetNode, client, ownedBy == Owner.SlotsPipeline ? symbols.SlotsAttribute : symbols.RateLimitAttribute))
        {
            return null;
        }

        var problems = new List<AttributeProblem>();
        PolicyModel? policy = ReadClientPolicy(client, symbols, problems);
        cancellationToken.ThrowIfCancellationRequested();
        if (policy is null || !TryGetPlacement(client, symbols, out string? ns, out EquatableArray<ContainerModel> containers))
        {
            return null;
        }

        string className = ClientPlacement.ClassNameOf(client.Name);
        var methodPolicies = new List<MethodPolicyModel>();
        EquatableArray<MemberModel> members = ReadMembers(client, className, symbols, methodPolicies, problems, cancellationToken);

        // An interface with static abstract members cannot even be a type argument: no client can wrap it (THR102 says so).
        if (problems.Count != 0 || members.Any(m => m.Handling == MemberHandling.Unsupported))
        {
            return null;
        }

        bool isGeneric = client.IsGenericType || client.ContainingType?.IsGenericType == true;
        bool reachableFromModule = ClientPlacement.IsVisibleToItsAssembly(client);

        return new ClientModel(
            HintName: HintNameOf(client, className),
            Namespace: ns,
            Containers: containers,
            Accessibility: AccessibilityOf(client),
            ClassName: className,
            TypeParameterList: client.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", client.TypeParameters.Select(t => Identifier(t.Name))) + ">",
            TypeConstraints: client.TypeParameters.Select(RenderConstraints).Where(c => c.Length != 0).ToEquatableArray(),
            InterfaceType: client.ToDisplayString(TypeFormat),
            InterfaceCref: client.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace('<', '{').Replace('>', '}'),
            ClientName: className.Substring("Throttled".Length),
            Policy: policy with { Methods = methodPolicies.ToEquatableArray() },
            Members: members,
            DetectsRefitExceptions: symbols.RefitApiException is not null,
            DetectsGrpcExceptions: symbols.GrpcRpcException is not null,
            RegistersModuleInitializer: !isGeneric && reachableFromModule && symbols.ModuleInitializerAttribute is not null);
    }

    // A partial interface with the attribute on several parts is found once per part; the part holding the first
    // attribute owns the client, so that it is generated once.
    private static bool IsFirstAttributedPart(SyntaxNode part, INamedTypeSymbol client, INamedTypeSymbol? attribute)
    {
        SyntaxReference? first = client.GetAttributes().FirstOrDefault(a => ThrottlingSymbols.Is(a, attribute))?.ApplicationSyntaxReference;
        return first is null || (first.SyntaxTree == part.SyntaxTree && part.Span.Contains(first.Span));
    }

    // Nested interfaces get their client nested beside them when every containing type is partial, else in their namespace.
    private static bool TryGetPlacement(INamedTypeSymbol client, ThrottlingSymbols symbols, out string? ns, out EquatableArray<ContainerModel> containers)
    {
        ns = client.ContainingNamespace.IsGlobalNamespace ? null : client.ContainingNamespace.ToDisplayString();
        containers = EquatableArray<ContainerModel>.Empty;
        if (ClientPlacement.WhyNoClient(client, symbols) is not null)
        {
            return false;
        }

        if (client.ContainingType is not null && !ClientPlacement.IsFlattened(client))
        {
            containers = ClientPlacement.ContainersOf(client).Select(t => new ContainerModel(DeclarationHead(t))).ToEquatableArray();
        }

        return true;
    }

    private static string DeclarationHead(INamedTypeSymbol type)
    {
        string keyword = type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };
        string typeParameters = type.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", type.TypeParameters.Select(t => Identifier(t.Name))) + ">";
        return $"{(type.IsStatic ? "static " : string.Empty)}partial {keyword} {Identifier(type.Name)}{typeParameters}";
    }

    private static string HintNameOf(INamedTypeSymbol client, string className)
    {
        var parts = new List<string>();
        for (INamedTypeSymbol? type = client.ContainingType; type is not null; type = type.ContainingType)
        {
            parts.Insert(0, type.MetadataName);
        }

        if (!client.ContainingNamespace.IsGlobalNamespace)
        {
            parts.Insert(0, client.ContainingNamespace.ToDisplayString());
        }

        parts.Add(className + (client.Arity == 0 ? string.Empty : "`" + client.Arity));
        return string.Join(".", parts) + ".g.cs";
    }

    // A flattened class sits in the namespace, where only public and internal exist.
    private static string AccessibilityOf(INamedTypeSymbol client)
    {
        if (ClientPlacement.IsFlattened(client))
        {
            return ClientPlacement.IsPublicAllTheWayOut(client) ? "public" : "internal";
        }

        return client.DeclaredAccessibility switch
        {
            Accessibility.Public => "public",
            Accessibility.Protected => "protected",
            Accessibility.ProtectedOrInternal => "protected internal",
            Accessibility.ProtectedAndInternal => "private protected",
            Accessibility.Private => "private",
            _ => "internal",
        };
    }
}
