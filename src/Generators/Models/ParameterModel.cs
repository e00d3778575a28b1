namespace Throttling.Generators.Models;

/// <summary>A parameter, rendered: name (escaped), type, modifier and default value.</summary>
internal sealed record ParameterModel(string Name, string Type, string Modifier, bool IsParams, string? DefaultValue);
