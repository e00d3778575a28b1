using System;
using System.Net;
using System.Net.Http;
using System.Threading;

namespace Throttling;

/// <summary>
/// Which ends of a call say the server is overloaded, for adaptive slots: besides a 429, a 503 and a timeout. A caller's
/// own cancellation says nothing about the server, and neither does any other failure.
/// </summary>
internal static class LoadSignals
{
    public static bool IsOverloaded<TResult>(TResult result)
        => result is HttpResponseMessage { StatusCode: HttpStatusCode.ServiceUnavailable };

    public static bool IsOverloaded(Exception failure, CancellationToken callerToken) => failure switch
    {
        TimeoutException => true,

        // HttpClient's timeout is a cancellation the caller did not ask for.
        OperationCanceledException => !callerToken.IsCancellationRequested,
#if NET5_0_OR_GREATER
        HttpRequestException { StatusCode: HttpStatusCode.ServiceUnavailable } => true,
#endif
        _ => false,
    };
}
