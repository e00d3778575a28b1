using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Throttling.Roslyn;

/// <summary>
/// Whether a compilation references an assembly, asked of its explicit references (a file or project of that name).
/// The referenced assembly symbols, and <c>Compilation.References</c> (which includes <c>#r</c> directives), would bind
/// every reference from metadata: a rule that only wants to know whether to start should not pay for that.
/// </summary>
internal static class ExplicitReferences
{
    public static bool Include(Compilation compilation, string assemblyName)
        => compilation.ExternalReferences.Any(reference => string.Equals(NameOf(reference), assemblyName, StringComparison.OrdinalIgnoreCase));

    private static string? NameOf(MetadataReference reference) => reference switch
    {
        CompilationReference project => project.Compilation.AssemblyName,
        PortableExecutableReference file => System.IO.Path.GetFileNameWithoutExtension(file.FilePath),
        _ => null,
    };
}
