using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Throttling.Generators.Models;
using Throttling.Roslyn;

namespace Throttling.Generators.Parsing;

internal static partial class ClientParser
{
    // Null when any attribute is unreadable: a bad value (THR100/THR101) or one the compiler could not bind.
    private static PolicyModel? ReadClientPolicy(INamedTypeSymbol client, ThrottlingSymbols symbols, List<AttributeProblem> problems)
    {
        SlotsValues? slots = null;
        var rateLimits = new List<RateLimitValues>();
        BackoffValues? backoff = null;
        foreach (AttributeData attribute in client.GetAttributes())
        {
            if (ThrottlingSymbols.Is(attribute, symbols.SlotsAttribute))
            {
                if ((slots = ThrottlingAttributes.ReadSlots(attribute, problems)) is null)
                {
                    return null;
                }
            }
            else if (ThrottlingSymbols.Is(attribute, symbols.RateLimitAttribute))
            {
                if (!TryAddRateLimit(attribute, rateLimits, problems))
                {
                    return null;
                }
            }
            else if (ThrottlingSymbols.Is(attribute, symbols.BackoffAttribute))
            {
                if ((backoff = ThrottlingAttributes.ReadBackoff(attribute, problems)) is null)
                {
                    return null;
                }
            }
        }

        return new PolicyModel(slots, rateLimits.ToEquatableArray(), backoff, EquatableArray<MethodPolicyModel>.Empty);
    }

    /// <summary>The method's own <c>[RateLimit]</c>s and <c>[Backoff]</c>; null when it has none.</summary>
    private static MethodPolicyModel? ReadMethodPolicy(IMethodSymbol method, string key, ThrottlingSymbols symbols, List<AttributeProblem> problems)
    {
        var rateLimits = new List<RateLimitValues>();
        BackoffValues? backoff = null;
        bool any = false;
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (ThrottlingSymbols.Is(attribute, symbols.RateLimitAttribute))
            {
                any = true;
                TryAddRateLimit(attribute, rateLimits, problems);
            }
            else if (ThrottlingSymbols.Is(attribute, symbols.BackoffAttribute))
            {
                any = true;
                backoff = ThrottlingAttributes.ReadBackoff(attribute, problems);
            }
        }

        return any ? new MethodPolicyModel(key, rateLimits.ToEquatableArray(), backoff) : null;
    }

    private static bool TryAddRateLimit(AttributeData attribute, List<RateLimitValues> rateLimits, List<AttributeProblem> problems)
    {
        if (ThrottlingAttributes.ReadRateLimit(attribute, problems) is not { } values)
        {
            return false;
        }

        rateLimits.Add(values);
        return true;
    }
}
