using System.Globalization;

namespace DurableAgents.Clients;

/// <summary>
/// The output of an invocation (or workflow) was asked for before it finished: Restate answers status
/// <see cref="NotReadyStatusCode"/>. Attach instead to wait for it.
/// </summary>
public sealed class InvocationNotReadyException : RestateIngressException
{
    /// <summary>The HTTP status Restate uses for "the invocation has not completed yet".</summary>
    public const int NotReadyStatusCode = 470;

    /// <summary>Creates the exception from the parts of Restate's answer.</summary>
    /// <param name="code">The <c>code</c> of the JSON error body, when there was one.</param>
    /// <param name="restateMessage">The <c>message</c> of the JSON error body (or the raw body).</param>
    /// <param name="source">Who produced the error, when known.</param>
    /// <param name="invocationId">The <c>x-restate-id</c> header, when present.</param>
    public InvocationNotReadyException(int? code, string restateMessage, string? source, string? invocationId)
        : base(NotReadyStatusCode, code, restateMessage, source, invocationId)
    {
    }
}
