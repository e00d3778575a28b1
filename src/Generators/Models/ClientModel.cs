using Throttling.Roslyn;

namespace Throttling.Generators.Models;

/// <summary>Everything the emitter needs to write one throttled client; strings and numbers only, so it compares by value.</summary>
internal sealed record ClientModel(
    string HintName,
    string? Namespace,
    EquatableArray<ContainerModel> Containers,
    string Accessibility,
    string ClassName,
    string TypeParameterList,
    EquatableArray<string> TypeConstraints,
    string InterfaceType,
    string InterfaceCref,
    string ClientName,
    PolicyModel Policy,
    EquatableArray<MemberModel> Members,
    bool DetectsRefitExceptions,
    bool DetectsGrpcExceptions,
    bool RegistersModuleInitializer);
