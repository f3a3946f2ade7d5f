using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableAgents;

/// <summary>The context of a Workflow's <c>run</c> handler: state reads and writes and durable promises.</summary>
public interface IWorkflowContext : ISharedWorkflowContext, IObjectContext
{
}
