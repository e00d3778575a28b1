using Microsoft.Extensions.Logging;

namespace Throttling.Redis.Worker;

/// <summary>Prints the Redis store's outage and recovery events as lines the test reads; drops everything else.</summary>
internal sealed class EventLineLogger : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string? line = eventId.Name switch
        {
            "BudgetStoreUnavailable" => "redis unavailable",
            "BudgetStoreRecovered" => "redis recovered",
            _ => null,
        };
        if (line is not null)
        {
            Console.WriteLine(line);
        }
    }

    public void Dispose()
    {
    }
}
