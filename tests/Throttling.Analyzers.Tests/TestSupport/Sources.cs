namespace Throttling.Analyzers.Tests;

/// <summary>The usings test sources start with.</summary>
internal static class Sources
{
    public const string Usings = SystemUsings + "\n";

    /// <summary>What <see cref="Usings"/> becomes once a fix has imported the Throttling namespace.</summary>
    public const string UsingsWithThrottling = SystemUsings + "\nusing Throttling;\n";

    private const string SystemUsings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        """;
}
