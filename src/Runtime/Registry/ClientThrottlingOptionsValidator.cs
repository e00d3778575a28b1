using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Throttling;

/// <summary>
/// Checks the overrides of one throttled client at start-up (<c>ValidateOnStart</c>), with the same rules the registry
/// applies when the client's budget is created, so a bad value fails before the first call with its configuration path.
/// </summary>
internal sealed class ClientThrottlingOptionsValidator : IValidateOptions<ClientThrottlingOptions>
{
    private readonly ThrottlingPolicy _compiled;

    public ClientThrottlingOptionsValidator(ThrottlingPolicy compiled) => _compiled = compiled;

    public ValidateOptionsResult Validate(string? name, ClientThrottlingOptions options)
    {
        if (name != _compiled.Name)
        {
            return ValidateOptionsResult.Skip;
        }

        List<string> errors = PolicyOverrides.Check(_compiled, options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
