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

        ThrottlingSymbols symbols = ThrottlingSymbols.Create(context.SemanticModel.Compilation);
        if (ownedBy == Owner.RateLimitPipeline && client.GetAttributes().Any(a => ThrottlingSymbols.Is(a, symbols.SlotsAttribute)))
        {
            return null;
        }

        var problems = new List<AttributeProblem>();
        PolicyModel? policy = ReadClientPolicy(client, symbols, problems);
        cancellationToken.ThrowIfCancellationRequested();
        if (policy is null || !TryGetPlacement(client, out string? ns, out EquatableArray<ContainerModel> containers))
        {
            return null;
        }

        string className = ClassNameOf(client.Name);
        var methodPolicies = new List<MethodPolicyModel>();
        EquatableArray<MemberModel> members = ReadMembers(client, className, symbols, methodPolicies, problems, cancellationToken);

        // An interface with static abstract members cannot even be a type argument: no client can wrap it (THR102 says so).
        if (problems.Count != 0 || members.Any(m => m.Handling == MemberHandling.Unsupported))
        {
            return null;
        }

        bool isGeneric = client.IsGenericType || client.ContainingType?.IsGenericType == true;
        bool languageAllows = context.TargetNode.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp9 };
        bool reachableFromModule = IsReachableFromModule(client);

        return new ClientModel(
            HintName: HintNameOf(client, className),
            Namespace: ns,
            Containers: containers,
            Accessibility: AccessibilityOf(client.DeclaredAccessibility),
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
            RegistersModuleInitializer: !isGeneric && languageAllows && reachableFromModule && symbols.ModuleInitializerAttribute is not null);
    }

    /// <summary><c>ISerpClient</c> → <c>ThrottledSerpClient</c>; a name without the I-prefix convention is kept whole.</summary>
    internal static string ClassNameOf(string interfaceName)
    {
        bool hasPrefix = interfaceName.Length > 1 && interfaceName[0] == 'I' && char.IsUpper(interfaceName[1]);
        return "Throttled" + (hasPrefix ? interfaceName.Substring(1) : interfaceName);
    }

    // Nested interfaces get their client nested beside them, which needs every containing type to be partial; an
    // interface reachable from its namespace gets its client there instead when they are not.
    private static bool TryGetPlacement(INamedTypeSymbol client, out string? ns, out EquatableArray<ContainerModel> containers)
    {
        ns = client.ContainingNamespace.IsGlobalNamespace ? null : client.ContainingNamespace.ToDisplayString();
        containers = EquatableArray<ContainerModel>.Empty;
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? type = client.ContainingType; type is not null; type = type.ContainingType)
        {
            chain.Insert(0, type);
        }

        if (chain.Count == 0)
        {
            return true;
        }

        if (chain.All(IsPartial))
        {
            containers = chain.Select(t => new ContainerModel(DeclarationHead(t))).ToEquatableArray();
            return true;
        }

        return !chain.Any(t => t.IsGenericType) && IsReachableFromModule(client);
    }

    private static bool IsPartial(INamedTypeSymbol type)
        => type.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

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

    private static bool IsReachableFromModule(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
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

    private static string AccessibilityOf(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        Accessibility.Private => "private",
        _ => "internal",
    };
}
