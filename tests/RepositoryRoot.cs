namespace Throttling.Testing;

/// <summary>
/// The repository's root folder, found from the test assembly's location. Not from [CallerFilePath]: CI builds map
/// source paths to "/_/" for deterministic output, and the files would not be found there.
/// </summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Throttling.Analyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Throttling.Analyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
