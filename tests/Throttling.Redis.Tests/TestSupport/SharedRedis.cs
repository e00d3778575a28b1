using StackExchange.Redis;
using Throttling.TestServer;

namespace Throttling.Redis.Tests.TestSupport;

/// <summary>
/// The Redis most tests share: the one .ci/run started (its address in THROTTLING_REDIS), or one of this test run's
/// own. Each test isolates itself with a key prefix of its own.
/// </summary>
public sealed class SharedRedis : IAsyncLifetime
{
    private LocalRedisServer? _own;

    public string Endpoint { get; private set; } = null!;

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string? given = Environment.GetEnvironmentVariable("THROTTLING_REDIS");
        if (string.IsNullOrEmpty(given))
        {
            _own = await LocalRedisServer.StartAsync();
            given = _own.Endpoint;
        }

        Endpoint = given;
        Connection = await ConnectionMultiplexer.ConnectAsync(given);
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        if (_own is not null)
        {
            await _own.DisposeAsync();
        }
    }

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];
}

[CollectionDefinition(Name)]
public sealed class SharedRedisTests : ICollectionFixture<SharedRedis>
{
    public const string Name = "Redis";
}
