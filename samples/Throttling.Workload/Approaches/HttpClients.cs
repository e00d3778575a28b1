namespace Throttling.Workload.Approaches;

/// <summary>The transport every approach shares, so they differ only in what they put in front of it.</summary>
internal static class HttpClients
{
    /// <summary>
    /// Connections are capped at 256 to keep a 50,000-request naive fan-out from exhausting the machine's ephemeral
    /// ports; that is still far above every server limit used here.
    /// </summary>
    public static SocketsHttpHandler Transport() => new()
    {
        MaxConnectionsPerServer = 256,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
