using Refit;

namespace Throttling.Generators.Tests.Clients;

public sealed record Forecast(string City, int Celsius);

/// <summary>A Refit client: Refit's generator implements it, ours throttles it.</summary>
[Slots(2)]
[RateLimit(100, "1s")]
public interface IWeatherApi
{
    [Get("/forecast/{city}")]
    Task<Forecast> GetForecastAsync(string city, CancellationToken cancellationToken = default);

    [Get("/forecast/{city}")]
    Task<ApiResponse<Forecast>> TryGetForecastAsync(string city, CancellationToken cancellationToken = default);
}
