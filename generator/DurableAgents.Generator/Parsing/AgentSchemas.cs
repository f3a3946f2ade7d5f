namespace DurableAgents.Generator.Parsing;

/// <summary>The JSON Schemas of the generated agent handlers (the runtime's <c>AgentRequest</c>, <c>AgentResponse</c>, ...).</summary>
internal static class AgentSchemas
{
    public const string Request =
        "{\"anyOf\":[{\"type\":\"string\",\"description\":\"The user message.\"},{\"type\":\"object\",\"properties\":{"
        + "\"message\":{\"type\":\"string\",\"description\":\"The user message.\"},"
        + "\"responseSchema\":{\"description\":\"A JSON Schema the answer must match (structured output).\"},"
        + "\"responseSchemaName\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"message\"]}]}";

    public const string Response =
        "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"},\"output\":{},\"turns\":{\"type\":\"integer\"},"
        + "\"toolCalls\":{\"type\":\"integer\"},\"inputTokens\":{\"type\":[\"integer\",\"null\"]},\"outputTokens\":{\"type\":[\"integer\",\"null\"]},"
        + "\"modelId\":{\"type\":[\"string\",\"null\"]}}}";

    public const string Decision =
        "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"approved\":{\"type\":\"boolean\"},\"reason\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"id\",\"approved\"]}";

    public const string RunId =
        "{\"type\":\"string\",\"description\":\"The invocation id of the agent's run (inv_1...), as returned by the ingress when the run is sent.\"}";

    public const string Approvals =
        "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"toolName\":{\"type\":\"string\"},"
        + "\"callId\":{\"type\":\"string\"},\"arguments\":{},\"expiresAt\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}}}}";
}
