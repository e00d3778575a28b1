using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Throttling.Generators.Models;
using Throttling.Roslyn;

namespace Throttling.Generators.Parsing;

internal static partial class ClientParser
{
    // Element names C# reserves in tuples, and the state's own "inner": a parameter with one of these names makes the
    // call state positional (Item1, Item2, ...), so it cannot clash with them.
    private static readonly HashSet<string> ReservedTupleNames = new() { "Rest", "ToString", "Equals", "GetHashCode", "GetType", "CompareTo", "inner" };

    private static EquatableArray<MemberModel> ReadMembers(
        INamedTypeSymbol client,
        string className,
        ThrottlingSymbols symbols,
        List<MethodPolicyModel> methodPolicies,
        List<AttributeProblem> problems,
        CancellationToken cancellationToken)
    {
        ISymbol[] all = ClientMember.ImplementedMembers(client).ToArray();
        HashSet<ISymbol> explicitOnes = MembersNeedingExplicitImplementation(all, className);
        // Gate fields must not collide with the decorator's own fields or with the members it implements.
        var gateFields = new HashSet<string> { "_inner", "_gate" };
        gateFields.UnionWith(all.Where(m => !explicitOnes.Contains(m)).Select(m => m.Name));
        var members = new List<MemberModel>();
        foreach (ISymbol member in all)
        {
            cancellationToken.ThrowIfCancellationRequested();
            MemberHandling handling = ClientMember.Classify(member, symbols, out GatedShape shape, out string reason);
            string? explicitInterface = explicitOnes.Contains(member) ? member.ContainingType.ToDisplayString(TypeFormat) : null;
            members.Add(member switch
            {
                IMethodSymbol method => ReadMethod(method, handling, shape, reason, explicitInterface, symbols, methodPolicies, gateFields, problems),
                IPropertySymbol property => ReadProperty(property, handling, reason, explicitInterface),
                _ => ReadEvent((IEventSymbol)member, handling, reason, explicitInterface),
            });
        }

        return members.ToEquatableArray();
    }

    private static MethodModel ReadMethod(
        IMethodSymbol method,
        MemberHandling handling,
        GatedShape shape,
        string reason,
        string? explicitInterface,
        ThrottlingSymbols symbols,
        List<MethodPolicyModel> methodPolicies,
        HashSet<string> gateFields,
        List<AttributeProblem> problems)
    {
        string? gateField = null;
        string? policyKey = null;
        CostSource? cost = null;
        if (handling == MemberHandling.Gated)
        {
            cost = ReadCost(method, symbols, problems);
            string key = UniqueKey(method.Name, methodPolicies.Select(m => m.Key));
            if (ReadMethodPolicy(method, key, symbols, problems) is { } methodPolicy)
            {
                methodPolicies.Add(methodPolicy);
                policyKey = key;
                gateField = UniqueKey("_" + char.ToLowerInvariant(method.Name[0]) + method.Name.Substring(1) + "Gate", gateFields);
                gateFields.Add(gateField);
            }
        }

        ITypeSymbol? result = shape is GatedShape.TaskOfT or GatedShape.ValueTaskOfT or GatedShape.AsyncEnumerable
            ? ((INamedTypeSymbol)method.ReturnType).TypeArguments[0]
            : null;
        ResultDetector detector = DetectorFor(result, shape, symbols);

        return new MethodModel(
            Handling: handling,
            Name: Identifier(method.Name),
            Type: method.ReturnType.ToDisplayString(TypeFormat),
            ExplicitInterface: explicitInterface,
            PassThroughReason: reason.Length == 0 ? null : reason,
            Shape: shape,
            Parameters: method.Parameters.Select(p => ReadParameter(p, includeDefault: explicitInterface is null)).ToEquatableArray(),
            TypeParameters: method.TypeParameters.Select(t => Identifier(t.Name)).ToEquatableArray(),
            Constraints: explicitInterface is null ? method.TypeParameters.Select(RenderConstraints).Where(c => c.Length != 0).ToEquatableArray() : EquatableArray<string>.Empty,
            RefKind: RefKindOf(method.ReturnsByRef, method.ReturnsByRefReadonly),
            CancellationToken: ClientMember.CancellationTokenOf(method, symbols) is { } token ? Identifier(token.Name) : null,
            GateField: gateField,
            PolicyKey: policyKey,
            Detector: detector,
            ResultType: detector == ResultDetector.RefitResponse ? result!.ToDisplayString(TypeFormat) : null,
            HasPositionalState: method.Parameters.Any(p => ReservedTupleNames.Contains(p.Name) || IsItemName(p.Name)),
            Cost: cost);
    }

    // A [Cost] the THR105 analyzer reports stops the client, as a bad attribute value does.
    private static CostSource? ReadCost(IMethodSymbol method, ThrottlingSymbols symbols, List<AttributeProblem> problems)
    {
        var costProblems = new List<CostProblem>();
        CostSource? cost = CostParameter.Read(method, symbols, costProblems);
        problems.AddRange(costProblems.Select(p => new AttributeProblem(isMalformedDuration: false, "Cost", -1, p.Detail)));
        return cost is null ? null : new CostSource(Identifier(cost.Parameter), cost.Property is null ? null : Identifier(cost.Property), cost.IsReference);
    }

    private static PropertyModel ReadProperty(IPropertySymbol property, MemberHandling handling, string reason, string? explicitInterface)
        => new(
            Handling: handling,
            Name: property.IsIndexer ? "this" : Identifier(property.Name),
            Type: property.Type.ToDisplayString(TypeFormat),
            ExplicitInterface: explicitInterface,
            PassThroughReason: reason,
            IsIndexer: property.IsIndexer,
            Parameters: property.Parameters.Select(p => ReadParameter(p, includeDefault: explicitInterface is null)).ToEquatableArray(),
            HasGetter: property.GetMethod is not null,
            HasSetter: property.SetMethod is not null,
            IsInitOnly: property.SetMethod?.IsInitOnly == true,
            RefKind: RefKindOf(property.ReturnsByRef, property.ReturnsByRefReadonly));

    private static EventModel ReadEvent(IEventSymbol @event, MemberHandling handling, string reason, string? explicitInterface)
        => new(handling, Identifier(@event.Name), @event.Type.ToDisplayString(TypeFormat), explicitInterface, reason);

    private static ParameterModel ReadParameter(IParameterSymbol parameter, bool includeDefault)
        => new(
            Identifier(parameter.Name),
            parameter.Type.ToDisplayString(TypeFormat),
            parameter.RefKind switch
            {
                RefKind.Ref => "ref ",
                RefKind.Out => "out ",
                RefKind.In => "in ",
                _ => string.Empty,
            },
            parameter.IsParams,
            includeDefault ? RenderDefaultValue(parameter) : null);

    private static ResultDetector DetectorFor(ITypeSymbol? result, GatedShape shape, ThrottlingSymbols symbols)
    {
        if (result is null || shape == GatedShape.AsyncEnumerable)
        {
            return ResultDetector.None;
        }

        if (TypeHierarchy.IsOrDerivesFrom(result, symbols.HttpResponseMessage))
        {
            return ResultDetector.HttpResponse;
        }

        return symbols.RefitApiResponse is { } apiResponse
            && (SymbolEqualityComparer.Default.Equals(result, apiResponse) || result.AllInterfaces.Contains(apiResponse, SymbolEqualityComparer.Default))
            ? ResultDetector.RefitResponse
            : ResultDetector.None;
    }

    // Members that cannot be implemented implicitly: same name and signature from two interfaces (or a method and a
    // property sharing a name), or a name the generated class uses itself.
    private static HashSet<ISymbol> MembersNeedingExplicitImplementation(ISymbol[] members, string className)
    {
        var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (IGrouping<string, ISymbol> byName in members.GroupBy(m => m.Name))
        {
            bool mixedKinds = byName.Select(m => m.Kind).Distinct().Count() > 1;
            bool reservedName = byName.Key is "Policy" || byName.Key == className || byName.Key.StartsWith("_", System.StringComparison.Ordinal);
            if (mixedKinds || reservedName)
            {
                result.UnionWith(byName);
                continue;
            }

            // Signatures are rendered only for overloads, the rare case: most names appear once.
            if (byName.Skip(1).Any())
            {
                result.UnionWith(byName.GroupBy(SignatureOf).Where(s => s.Skip(1).Any()).SelectMany(s => s));
            }
        }

        return result;
    }

    private static string SignatureOf(ISymbol member) => member switch
    {
        IMethodSymbol method => $"{method.Arity}({string.Join(",", method.Parameters.Select(p => p.RefKind + p.Type.ToDisplayString()))})",
        IPropertySymbol { IsIndexer: true } indexer => $"[{string.Join(",", indexer.Parameters.Select(p => p.Type.ToDisplayString()))}]",
        _ => string.Empty,
    };

    private static string UniqueKey(string name, IEnumerable<string> taken)
    {
        var used = new HashSet<string>(taken);
        if (!used.Contains(name))
        {
            return name;
        }

        int suffix = 2;
        while (used.Contains(name + suffix))
        {
            suffix++;
        }

        return name + suffix;
    }

    private static bool IsItemName(string name)
        => name.Length > 4 && name.StartsWith("Item", System.StringComparison.Ordinal) && name.Substring(4).All(char.IsDigit);

    private static string RefKindOf(bool byRef, bool byRefReadonly)
        => byRefReadonly ? "ref readonly " : byRef ? "ref " : string.Empty;
}
