using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableAgents;

/// <summary>The context of a shared Workflow handler: state reads and the workflow's durable promises.</summary>
public interface ISharedWorkflowContext : ISharedObjectContext
{
    DurablePromise<T> Promise<T>(string name, JsonTypeInfo<T>? typeInfo = null);
}
