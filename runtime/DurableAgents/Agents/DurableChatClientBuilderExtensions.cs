using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary><see cref="ChatClientBuilder"/> extensions.</summary>
public static class DurableChatClientBuilderExtensions
{
    /// <summary>
    /// Journals every response of the clients below this point as a step of <paramref name="context"/>. Put it below
    /// function invocation (<c>UseFunctionInvocation().UseDurable(ctx)</c>) so each model turn is its own step.
    /// </summary>
    public static ChatClientBuilder UseDurable(this ChatClientBuilder builder, IContext context, DurableChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(context);
        return builder.Use(inner => new DurableChatClient(inner, context, options));
    }

    /// <summary>Wraps <paramref name="client"/> in a <see cref="DurableChatClient"/> bound to <paramref name="context"/>.</summary>
    public static DurableChatClient AsDurable(this IChatClient client, IContext context, DurableChatClientOptions? options = null)
        => new(client, context, options);
}
