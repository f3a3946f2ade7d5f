using System.Text.Json.Serialization.Metadata;
using DurableAgents.Internal;

namespace DurableAgents.Agents;

/// <summary>Durable calls that also expose the callee's invocation id, so a cancelled caller can cancel its children.</summary>
internal static class DurableCalls
{
    public static (DurableFuture<string>? InvocationId, DurableFuture<T> Result) Call<T>(IContext context, CallTarget target, ReadOnlyMemory<byte> request,
        CallOptions? options, JsonTypeInfo<T> responseType)
    {
        if (context is InvocationContext invocation)
        {
            return invocation.CallWithInvocationId(target, request, options, responseType);
        }

        return (null, context.CallAsync(target, request, responseType, options));
    }
}
