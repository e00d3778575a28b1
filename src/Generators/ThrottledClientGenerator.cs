using Microsoft.CodeAnalysis;
using Throttling.Generators.Emitting;
using Throttling.Generators.Models;
using Throttling.Generators.Parsing;

namespace Throttling.Generators;

/// <summary>
/// Emits <c>Throttled{Name}</c> for every interface carrying <c>[Slots]</c> or <c>[RateLimit]</c>: a decorator that gates
/// each call by the interface's slots and rate limits and retries the calls the server throttles.
/// </summary>
/// <remarks>
/// Incremental by construction: the attributes are found with <c>ForAttributeWithMetadataName</c>, each interface becomes a
/// value-equal <see cref="ClientModel"/> holding no symbols, and an edit elsewhere leaves every model, and so every output,
/// cached. Bad attribute values produce no model; the THR1xx analyzer reports them where they are written.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class ThrottledClientGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // An interface with both attributes is found by both pipelines; the [Slots] one owns it.
        Emit(context, Clients(context, KnownTypeNames.SlotsAttribute, ClientParser.Owner.SlotsPipeline, TrackingNames.ClientsWithSlots));
        Emit(context, Clients(context, KnownTypeNames.RateLimitAttribute, ClientParser.Owner.RateLimitPipeline, TrackingNames.ClientsWithRateLimitOnly));
    }

    private static IncrementalValuesProvider<ClientModel> Clients(IncrementalGeneratorInitializationContext context, string attribute, ClientParser.Owner owner, string trackingName)
        => context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.InterfaceDeclarationSyntax,
                (context, cancellationToken) => ClientParser.Parse(context, ownedBy: owner, cancellationToken))
            .WithTrackingName(trackingName)
            .SelectNotNull();

    private static void Emit(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ClientModel> clients)
        => context.RegisterSourceOutput(clients, static (output, client) => output.AddSource(client.HintName, ClientEmitter.Emit(client)));
}
