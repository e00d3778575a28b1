using StackExchange.Redis;
using Throttling.TestServer;

namespace Throttling.Redis.Tests.TestSupport;

internal static class Connections
{
    /// <summary>A connection that does not fail when Redis is down and reconnects when it is back, as users configure it.</summary>
    public static ConnectionMultiplexer Connect(this LocalRedisServer server)
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(server.Endpoint);
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.Connect(options);
    }
}
