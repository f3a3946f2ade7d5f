namespace DurableAgents.Generator.Model;

/// <summary>Compilation-wide facts, reduced to equatable values.</summary>
/// <param name="RegistrationNamespace">The namespace of the assembly-level registration (root namespace, else assembly name).</param>
/// <param name="HasIngressClient">Whether <c>DurableAgents.Clients.IngressClient</c> (and its option types) exist.</param>
/// <param name="HasAgentProxy">
/// Whether the compilation references Microsoft Agent Framework (<c>Microsoft.Agents.AI.AIAgent</c>) and the runtime's
/// <c>DurableAgents.AgentFramework.DurableAgentProxy</c>: the typed ingress clients of agents then get <c>AsAIAgent</c>.
/// </param>
/// <param name="ExtensionsClass">
/// The name of the class holding <c>AddRestateServices</c> in <c>Microsoft.Extensions.DependencyInjection</c>, unique
/// per assembly (derived from the assembly name) so that two generated assemblies never declare the same type there.
/// </param>
internal sealed record SettingsModel(string RegistrationNamespace, bool HasIngressClient, string ExtensionsClass, bool HasAgentProxy = false);

/// <summary>What the registration file needs about one class.</summary>
/// <param name="FullyQualifiedName">The <c>global::</c>-qualified class name.</param>
/// <param name="NeedsInstance">Whether the class is registered in DI.</param>
internal sealed record RegistrationEntry(string FullyQualifiedName, bool NeedsInstance);

/// <summary>Everything the assembly-level registration file is generated from.</summary>
/// <param name="Namespace">The namespace of <c>RestateJson</c> (the root namespace).</param>
/// <param name="HasAgentProxy">
/// Whether the compilation references Microsoft Agent Framework (<c>Microsoft.Agents.AI.AIAgent</c>) and the runtime's
/// <c>DurableAgents.AgentFramework.DurableAgentProxy</c>: the typed ingress clients of agents then get <c>AsAIAgent</c>.
/// </param>
/// <param name="ExtensionsClass">The class of <c>AddRestateServices</c> (in <c>Microsoft.Extensions.DependencyInjection</c>).</param>
/// <param name="Services">The registrable classes, ordinal by name.</param>
/// <param name="JsonContexts">The <c>global::</c> names of the assembly's JsonSerializerContexts, ordinal.</param>
/// <param name="HasAgents">Whether the assembly has <c>[DurableAgent]</c> classes (their JSON metadata joins the resolver).</param>
/// <param name="HasServiceAgents">Whether one of them is a non-session agent (a Service): the runtime's <c>AgentApprovals</c> Virtual Object is bound for its approvals.</param>
internal sealed record RegistrationModel(string Namespace, string ExtensionsClass, EquatableArray<RegistrationEntry> Services, EquatableArray<string> JsonContexts, bool HasAgents, bool HasServiceAgents);
