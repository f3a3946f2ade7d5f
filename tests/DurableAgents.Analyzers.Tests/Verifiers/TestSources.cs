using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace DurableAgents.Analyzers.Tests.Verifiers;

/// <summary>Shared references and stub sources for analyzer tests. Nothing is downloaded at test time.</summary>
public static class TestSources
{
    /// <summary>No reference packages: .NET 10 reference assemblies come from Basic.Reference.Assemblies.</summary>
    public static ReferenceAssemblies Empty { get; } = new("empty-custom");

    /// <summary>.NET 10 plus the real DurableAgents runtime assembly.</summary>
    public static IEnumerable<MetadataReference> WithRuntime =>
        Net100.References.All.Cast<MetadataReference>().Append(RuntimeReference);

    public static IEnumerable<MetadataReference> WithoutRuntime => Net100.References.All;

    public static MetadataReference RuntimeReference { get; } =
        MetadataReference.CreateFromFile(typeof(global::DurableAgents.IContext).Assembly.Location);

    /// <summary>The real Microsoft.Extensions.AI assemblies the runtime is built against (for APIs such as <c>DurableTool.FromFunction</c>).</summary>
    public static IEnumerable<MetadataReference> RealAi { get; } =
    [
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.AI.IChatClient).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.AI.AIFunctionFactory).Assembly.Location),
    ];

    /// <summary>Compiles <paramref name="source"/> into a library (a metadata reference: its types are not in source).</summary>
    public static MetadataReference Library(string name, string source, IEnumerable<MetadataReference> references)
    {
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            name,
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source)],
            WithRuntime.Concat(references),
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.That(result.Success, Is.True, string.Join("\n", result.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using DurableAgents;

        """;

    /// <summary>A minimal Microsoft.Extensions.AI surface (the real package is not referenced by the tests).</summary>
    public const string MicrosoftExtensionsAiStub = """
        namespace Microsoft.Extensions.AI
        {
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class ChatMessage { public ChatMessage(string text) { Text = text; } public string Text { get; } }
            public sealed class ChatResponse { public string Text { get; set; } = ""; }
            public sealed class ChatResponseUpdate { public string Text { get; set; } = ""; }
            public sealed class ChatOptions { }
            public interface IChatClient
            {
                Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default);
                IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default);
            }
            public static class ChatClientExtensions
            {
                public static Task<ChatResponse> GetResponseAsync(this IChatClient client, string message, ChatOptions? options = null, CancellationToken cancellationToken = default)
                    => Task.FromResult(new ChatResponse { Text = message });
            }
            public sealed class AIFunctionArguments { }
            public abstract class AIFunction
            {
                public ValueTask<object?> InvokeAsync(AIFunctionArguments? arguments = null, CancellationToken cancellationToken = default) => default;
            }
        }
        """;
}
