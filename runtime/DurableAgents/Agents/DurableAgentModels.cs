using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace DurableAgents.Agents;

/// <summary>
/// Model selection. <see cref="FromEnvironment()"/> reads <c>DURABLEAGENTS_MODEL_PROVIDER</c> (<c>offline</c>, the default;
/// <c>openai</c>; <c>ollama</c>; or <c>openai-compatible</c> for vLLM and friends), <c>DURABLEAGENTS_MODEL</c>,
/// <c>OPENAI_API_KEY</c> and <c>OPENAI_BASE_URL</c>.
/// </summary>
public static class DurableAgentModels
{
    /// <summary>The model used when <c>DURABLEAGENTS_MODEL</c> is not set (OpenAI).</summary>
    public const string DefaultOpenAIModel = "gpt-4o-mini";

    /// <summary>The model used when <c>DURABLEAGENTS_MODEL</c> is not set (Ollama).</summary>
    public const string DefaultOllamaModel = "llama3.2";

    /// <summary>A chat client configured from environment variables; the offline model when nothing is configured.</summary>
    public static IChatClient FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="FromEnvironment()"/>, reading variables through <paramref name="variable"/> (for tests).</summary>
    public static IChatClient FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var provider = (variable("DURABLEAGENTS_MODEL_PROVIDER") ?? "offline").Trim().ToLowerInvariant();
        var model = variable("DURABLEAGENTS_MODEL");
        var baseUrl = variable("OPENAI_BASE_URL");
        var key = variable("OPENAI_API_KEY");
        return provider switch
        {
            "" or "offline" => new OfflineChatClient(),
            "openai" => OpenAICompatible(model ?? DefaultOpenAIModel, key ?? throw new InvalidOperationException("DURABLEAGENTS_MODEL_PROVIDER=openai needs OPENAI_API_KEY."),
                baseUrl is null ? null : new Uri(baseUrl)),
            "ollama" => OpenAICompatible(model ?? DefaultOllamaModel, key ?? "ollama", new Uri(baseUrl ?? "http://localhost:11434/v1")),
            "openai-compatible" or "vllm" => OpenAICompatible(model ?? throw new InvalidOperationException($"DURABLEAGENTS_MODEL_PROVIDER={provider} needs DURABLEAGENTS_MODEL."),
                key ?? "none", new Uri(baseUrl ?? throw new InvalidOperationException($"DURABLEAGENTS_MODEL_PROVIDER={provider} needs OPENAI_BASE_URL."))),
            _ => throw new InvalidOperationException($"Unknown DURABLEAGENTS_MODEL_PROVIDER '{provider}': use offline, openai, ollama or openai-compatible."),
        };
    }

    /// <summary>
    /// An OpenAI (or OpenAI-compatible: Ollama, vLLM, LM Studio) chat client. The client's own retries are off: the
    /// durable step retries instead, visibly and under the agent's policy (a 429 waits for its Retry-After).
    /// </summary>
    public static IChatClient OpenAICompatible(string model, string apiKey, Uri? endpoint = null, int clientRetries = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        var options = new OpenAIClientOptions { RetryPolicy = new ClientRetryPolicy(clientRetries) };
        if (endpoint is not null)
        {
            options.Endpoint = endpoint;
        }

        return new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(apiKey), options).AsIChatClient();
    }
}
