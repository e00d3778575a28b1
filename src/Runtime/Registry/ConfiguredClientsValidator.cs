using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Throttling;

/// <summary>
/// Checks at start-up that every section under <c>Throttling:</c> names a client registered with <c>AddThrottled</c>:
/// a misspelled client name would otherwise leave that client on its compiled-in limits without a word.
/// </summary>
internal sealed class ConfiguredClientsValidator : IValidateOptions<ConfiguredClientsValidator.Sections>
{
    private readonly IConfiguration _throttling;
    private readonly IEnumerable<ThrottledClientName> _clients;

    public ConfiguredClientsValidator(IConfiguration configuration, IEnumerable<ThrottledClientName> clients)
    {
        _throttling = configuration.GetSection("Throttling");
        _clients = clients;
    }

    public ValidateOptionsResult Validate(string? name, Sections options)
    {
        // Without AddThrottled the application asks the registry for budgets itself, by names this check cannot know.
        var known = new HashSet<string>(_clients.Select(c => c.Name), StringComparer.OrdinalIgnoreCase);
        if (known.Count == 0)
        {
            return ValidateOptionsResult.Skip;
        }

        string[] unknown = _throttling.GetChildren().Where(s => !known.Contains(s.Key)).Select(s => s.Path).ToArray();
        if (unknown.Length == 0)
        {
            return ValidateOptionsResult.Success;
        }

        string registered = string.Join(", ", known.OrderBy(n => n, StringComparer.Ordinal));
        return ValidateOptionsResult.Fail(unknown.Select(path =>
            $"{path} configures no throttled client of this application (registered with AddThrottled: {registered}); check the client's name, which is its interface's without the leading I."));
    }

    /// <summary>What <c>ValidateOnStart</c> hangs the check on; it holds nothing.</summary>
    internal sealed class Sections
    {
    }
}

/// <summary>A client registered with <c>AddThrottled</c>, for <see cref="ConfiguredClientsValidator"/>.</summary>
internal sealed record ThrottledClientName(string Name);
