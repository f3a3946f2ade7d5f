using System.Text.Json;
using Microsoft.Extensions.AI;

namespace DurableAgents.AgentFramework;

/// <summary>The declaration of a function (name, description, schemas) without its body: a function-invoking client passes its calls back to the caller.</summary>
internal sealed class FunctionDeclarationOnly(AIFunctionDeclaration function) : AIFunctionDeclaration
{
    public override string Name => function.Name;

    public override string Description => function.Description;

    public override JsonElement JsonSchema => function.JsonSchema;

    public override JsonElement? ReturnJsonSchema => function.ReturnJsonSchema;

    public override IReadOnlyDictionary<string, object?> AdditionalProperties => function.AdditionalProperties;
}
