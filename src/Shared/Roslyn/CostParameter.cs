using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Throttling.Roslyn;

/// <summary>
/// Reads a method's <c>[Cost]</c> parameter, for the generator (which gates the method by it) and the THR105 analyzer
/// (which reports what is wrong with it), so that both judge it alike.
/// </summary>
internal static class CostParameter
{
    /// <summary>Where the method's cost comes from; null when no parameter carries <c>[Cost]</c> or it is unusable (see <paramref name="problems"/>).</summary>
    public static CostSource? Read(IMethodSymbol method, ThrottlingSymbols symbols, List<CostProblem> problems)
    {
        CostSource? source = null;
        bool found = false;
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.GetAttributes().FirstOrDefault(a => ThrottlingSymbols.Is(a, symbols.CostAttribute)) is not { } attribute)
            {
                continue;
            }

            if (found)
            {
                problems.Add(new CostProblem(AttributeLocation(attribute, parameter), $"'{method.Name}' already takes its cost from another parameter; only one parameter can carry [Cost]"));
                continue;
            }

            found = true;
            source = ReadOne(parameter, attribute, problems);
        }

        return source;
    }

    /// <summary>Whether <paramref name="method"/> has a parameter carrying <c>[Cost]</c>, usable or not.</summary>
    public static bool HasCost(IMethodSymbol method, ThrottlingSymbols symbols)
        => method.Parameters.Any(p => p.GetAttributes().Any(a => ThrottlingSymbols.Is(a, symbols.CostAttribute)));

    private static CostSource? ReadOne(IParameterSymbol parameter, AttributeData attribute, List<CostProblem> problems)
    {
        // [Cost] alone: the parameter is the cost.
        if (attribute.ConstructorArguments.Length == 0)
        {
            if (IsInteger(parameter.Type))
            {
                return new CostSource(parameter.Name, Property: null, IsReference: false);
            }

            problems.Add(new CostProblem(TypeLocation(parameter), $"[Cost] needs an integer parameter (int, long, …), and '{parameter.Name}' is {Display(parameter.Type)}; name an integer property of it with [Cost(\"Property\")]"));
            return null;
        }

        // [Cost(null)] or an argument the compiler could not bind: the compiler, or the check below, says so.
        if (attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
        {
            return null;
        }

        string? name = attribute.ConstructorArguments[0].Value as string;
        IPropertySymbol? property = name is null ? null : FindProperty(parameter.Type, name);
        if (property is null)
        {
            string shown = name is null ? "null" : "'" + name + "'";
            problems.Add(new CostProblem(ArgumentLocation(attribute, parameter), $"{Display(parameter.Type)} has no readable instance property {shown} to take '{parameter.Name}''s cost from"));
            return null;
        }

        if (!IsInteger(property.Type))
        {
            problems.Add(new CostProblem(ArgumentLocation(attribute, parameter), $"{Display(parameter.Type)}.{property.Name} is {Display(property.Type)}; [Cost] needs an integer property (int, long, …)"));
            return null;
        }

        return new CostSource(parameter.Name, property.Name, IsReference: !parameter.Type.IsValueType);
    }

    // The integers every cost fits in a long of: ulong and native integers would not, or not everywhere.
    private static bool IsInteger(ITypeSymbol type) => type.SpecialType is SpecialType.System_SByte or SpecialType.System_Byte
        or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64;

    private static IPropertySymbol? FindProperty(ITypeSymbol type, string name)
    {
        IEnumerable<ITypeSymbol> types = type.TypeKind == TypeKind.Interface
            ? new[] { type }.Concat(type.AllInterfaces)
            : Bases(type);
        return types.SelectMany(t => t.GetMembers(name)).OfType<IPropertySymbol>()
            .FirstOrDefault(p => !p.IsStatic && !p.IsIndexer && p.GetMethod is { DeclaredAccessibility: Accessibility.Public });
    }

    private static IEnumerable<ITypeSymbol> Bases(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            yield return current;
        }
    }

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    private static Location? TypeLocation(IParameterSymbol parameter)
        => parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.ParameterSyntax { Type: { } type }
            ? type.GetLocation()
            : parameter.Locations.FirstOrDefault();

    private static Location? ArgumentLocation(AttributeData attribute, IParameterSymbol parameter)
        => attribute.ApplicationSyntaxReference?.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax { ArgumentList.Arguments: { Count: > 0 } arguments }
            ? arguments[0].Expression.GetLocation()
            : AttributeLocation(attribute, parameter);

    private static Location? AttributeLocation(AttributeData attribute, IParameterSymbol parameter)
        => attribute.ApplicationSyntaxReference is { } reference
            ? Location.Create(reference.SyntaxTree, reference.Span)
            : parameter.Locations.FirstOrDefault();
}

/// <summary>Where a call's cost comes from: the parameter itself, or an integer property of it.</summary>
/// <param name="Parameter">The parameter's name, as declared.</param>
/// <param name="Property">The property of the parameter that holds the cost; null when the parameter is the cost.</param>
/// <param name="IsReference">Whether the parameter may be null, so reading its property needs a check.</param>
internal sealed record CostSource(string Parameter, string? Property, bool IsReference);

/// <summary>What is wrong with a <c>[Cost]</c> parameter, and where.</summary>
internal sealed record CostProblem(Location? Location, string Detail);
