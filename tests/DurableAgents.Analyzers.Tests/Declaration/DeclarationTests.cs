using Microsoft.CodeAnalysis;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Declaration.DeclarationAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Declaration;

public class DeclarationTests
{
    [Test]
    public async Task EmptyCodeWithNoRuntimeHasNoDiagnostics()
    {
        await VerifyCS.VerifyWithoutRuntimeAsync("""
            public class Greeter
            {
                public void Greet(Action a, Action b) { }
            }
            """);
    }

    [Test]
    public async Task ValidShapesHaveNoDiagnostics()
    {
        await VerifyCS.VerifyAsync("""
            public record Order(string Id, int Quantity);

            [Service]
            public partial class Greeter
            {
                [Handler] public Task<string> Greet(IContext ctx, string name) => Task.FromResult(name);
                [Handler] public ValueTask Ping() => ValueTask.CompletedTask;
                [Handler("place")] public Task<Order> PlaceAsync(IContext ctx, Order order) => Task.FromResult(order);
            }

            [VirtualObject]
            public partial class Counter
            {
                [Handler] public Task Add(IObjectContext ctx, int delta) => Task.CompletedTask;
                [SharedHandler] public Task<int> Get(ISharedObjectContext ctx) => Task.FromResult(0);
            }

            [Workflow]
            public partial class Signup
            {
                [Handler] public Task<bool> Run(IWorkflowContext ctx, string email) => Task.FromResult(true);
                [SharedHandler] public Task Confirm(ISharedWorkflowContext ctx, string code) => Task.CompletedTask;
            }

            public static partial class Outer
            {
                [Service]
                public partial class Nested
                {
                    [Handler] public Task Run(IContext ctx) => Task.CompletedTask;
                }
            }

            [DurableAgent]
            public partial class Weather
            {
                /// <summary>The weather for a city.</summary>
                [DurableTool]
                public Task<string> GetWeather(string city, CancellationToken ct) => Task.FromResult("sunny");

                [DurableTool(Description = "Adds two numbers.")]
                public int Add(int a, int b) => a + b;

                [DurableTool, System.ComponentModel.Description("Now in UTC.")]
                public string Clock() => "";
            }
            """);
    }

    [Test]
    public async Task NonPartialClassIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public class {|#0:Greeter|}
            {
                [Handler] public Task Greet(IContext ctx) => Task.CompletedTask;
            }

            public class Outer
            {
                [VirtualObject]
                public partial class {|#1:Inner|}
                {
                    [Handler] public Task Run(IObjectContext ctx) => Task.CompletedTask;
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.DurableClassMustBePartial).WithLocation(0).WithArguments("Greeter", "Service", "it"),
            VerifyCS.Diagnostic(RuleIds.DurableClassMustBePartial).WithLocation(1).WithArguments("Inner", "VirtualObject", "its containing type 'Outer'"));
    }

    [Test]
    public async Task InvalidClassShapesAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class {|#0:Generic|}<T>
            {
                [Handler] public Task Run(IContext ctx) => Task.CompletedTask;
            }

            [Service]
            public abstract partial class {|#1:Base|}
            {
                [Handler] public Task Run(IContext ctx) => Task.CompletedTask;
            }

            [Service, VirtualObject]
            public partial class {|#2:Both|}
            {
                [Handler] public Task Run(IContext ctx) => Task.CompletedTask;
            }

            [Workflow]
            public partial class {|#3:NoRun|}
            {
                [SharedHandler] public Task Peek(ISharedWorkflowContext ctx) => Task.CompletedTask;
            }
            """,
            VerifyCS.Diagnostic(RuleIds.InvalidDurableClass).WithLocation(0).WithArguments("Generic", "generic classes are not supported"),
            VerifyCS.Diagnostic(RuleIds.InvalidDurableClass).WithLocation(1).WithArguments("Base", "abstract classes are not supported (the handlers are called on an instance)"),
            VerifyCS.Diagnostic(RuleIds.InvalidDurableClass).WithLocation(2).WithArguments("Both", "it has more than one of [Service], [VirtualObject], [Workflow] and [DurableAgent]"),
            VerifyCS.Diagnostic(RuleIds.InvalidDurableClass).WithLocation(3).WithArguments("NoRun", "a workflow has exactly one [Handler] (its run handler) and any number of [SharedHandler]s; found 0"));
    }

    [Test]
    public async Task WrongContextKindIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler] public Task {|#0:Run|}(IObjectContext ctx) => Task.CompletedTask;
                [SharedHandler] public Task {|#1:Peek|}(IContext ctx) => Task.CompletedTask;
            }

            [VirtualObject]
            public partial class Obj
            {
                [SharedHandler] public Task<int> {|#2:Get|}(IObjectContext ctx) => Task.FromResult(0);
                [Handler] public Task {|#3:Run|}(IWorkflowContext ctx) => Task.CompletedTask;
            }
            """,
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(0).WithArguments("Run", "'IObjectContext' is not the context of a service handler; use IContext"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(1).WithArguments("Peek", "a [Service] has no shared handlers; use [Handler]"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(2).WithArguments("Get", "'IObjectContext' is not the context of a shared Virtual Object handler; use ISharedObjectContext (or IContext)"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(3).WithArguments("Run", "'IWorkflowContext' is not the context of an exclusive Virtual Object handler; use IObjectContext (or ISharedObjectContext, IContext)"));
    }

    [Test]
    public async Task WrongParametersAndReturnTypesAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler] public Task {|#0:Two|}(IContext ctx, string a, string b) => Task.CompletedTask;
                [Handler] public Task {|#1:Late|}(string a, IContext ctx) => Task.CompletedTask;
                [Handler] public string {|#2:Sync|}(IContext ctx) => "";
                [Handler] public Task {|#3:Token|}(IContext ctx, CancellationToken ct) => Task.CompletedTask;
                [Handler] public Task {|#4:Ref|}(IContext ctx, ref int value) => Task.CompletedTask;
                [Handler] public Task {|#5:Generic|}<T>(IContext ctx) => Task.CompletedTask;
                [Handler] public Task {|#6:Callback|}(IContext ctx, Func<int> callback) => Task.CompletedTask;
                [Handler] public Task<Action> {|#7:ReturnsDelegate|}(IContext ctx) => Task.FromResult<Action>(() => { });
                [Handler, SharedHandler] public Task {|#8:BothKinds|}(IContext ctx) => Task.CompletedTask;
            }
            """,
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(0).WithArguments("Two", "a handler takes the context and at most one input, found 2 inputs; wrap them in a record"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(1).WithArguments("Late", "the context parameter 'ctx' must come first"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(2).WithArguments("Sync", "it returns 'string'; a handler returns Task, Task<T>, ValueTask or ValueTask<T>"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(3).WithArguments("Token", "parameter 'ct' is a CancellationToken; use the context's CancellationToken instead"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(4).WithArguments("Ref", "parameter 'value' is passed by reference or as params; pass the input by value"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(5).WithArguments("Generic", "a handler cannot be generic"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(6).WithArguments("Callback", "the input 'callback' has type 'System.Func<int>': delegates cannot be serialized"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(7).WithArguments("ReturnsDelegate", "the result type 'System.Action' delegates cannot be serialized"),
            VerifyCS.Diagnostic(RuleIds.InvalidHandlerSignature).WithLocation(8).WithArguments("BothKinds", "it is marked both [Handler] and [SharedHandler]"));
    }

    [Test]
    public async Task DuplicateHandlerNamesAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler] public Task Greet(IContext ctx) => Task.CompletedTask;
                [Handler] public Task {|#0:GreetAsync|}(IContext ctx, string name) => Task.CompletedTask;
                [Handler("greet")] public Task {|#1:Other|}(IContext ctx) => Task.CompletedTask;
                [Handler("Greet")] public Task Distinct(IContext ctx) => Task.CompletedTask;
            }
            """,
            VerifyCS.Diagnostic(RuleIds.DuplicateHandlerOrToolName).WithLocation(0).WithArguments("Handler", "greet", "Svc", "Greet"),
            VerifyCS.Diagnostic(RuleIds.DuplicateHandlerOrToolName).WithLocation(1).WithArguments("Handler", "greet", "Svc", "Greet"));
    }

    [Test]
    public async Task DuplicateToolNamesAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [DurableAgent]
            public partial class Agent
            {
                [DurableTool(Description = "a")] public string SearchWeb(string q) => q;
                [DurableTool(Description = "b")] public Task<string> {|#0:SearchWebAsync|}(string q, int page) => Task.FromResult(q);
                [DurableTool("search_web", Description = "c")] public string {|#1:Find|}(string q) => q;
            }
            """,
            VerifyCS.Diagnostic(RuleIds.DuplicateHandlerOrToolName).WithLocation(0).WithArguments("Tool", "search_web", "Agent", "SearchWeb"),
            VerifyCS.Diagnostic(RuleIds.DuplicateHandlerOrToolName).WithLocation(1).WithArguments("Tool", "search_web", "Agent", "SearchWeb"));
    }

    [Test]
    public async Task StreamsTasksAndOtherProcessBoundTypesAreErrorsWithTheReason()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Files
            {
                [Handler] public Task Upload(IContext ctx, System.IO.Stream {|#0:content|}) => Task.CompletedTask;
                [Handler] public Task<System.IO.MemoryStream> {|#1:Download|}(IContext ctx) => Task.FromResult(new System.IO.MemoryStream());
                [Handler] public Task Later(IContext ctx, Task<int> {|#2:pending|}) => Task.CompletedTask;
            }

            [DurableAgent]
            public partial class Reader
            {
                [DurableTool(Description = "x")] public string Read(System.IO.TextReader {|#3:reader|}) => "";
                [DurableTool(Description = "x")] public string Cancel(CancellationTokenSource {|#4:source|}) => "";
            }
            """,
            VerifyCS.Diagnostic(RuleIds.TypeNotJsonSerializable).WithLocation(0).WithArguments("The input 'content'", "Upload", "System.IO.Stream",
                "a stream is a handle to data, not data: pass the content (byte[], string or a record) or a reference to it (a URL, a blob name)")
                .WithSeverity(DiagnosticSeverity.Error),
            VerifyCS.Diagnostic(RuleIds.TypeNotJsonSerializable).WithLocation(1).WithArguments("The result", "Download", "System.IO.MemoryStream",
                "a stream is a handle to data, not data: pass the content (byte[], string or a record) or a reference to it (a URL, a blob name)"),
            VerifyCS.Diagnostic(RuleIds.TypeNotJsonSerializable).WithLocation(2).WithArguments("The input 'pending'", "Later", "System.Threading.Tasks.Task<int>",
                "a task is a running operation, not a value: await it and pass its result"),
            VerifyCS.Diagnostic(RuleIds.TypeNotJsonSerializable).WithLocation(3).WithArguments("Parameter 'reader'", "Read", "System.IO.TextReader",
                "a reader or writer is a handle to data, not data: pass the text"),
            VerifyCS.Diagnostic(RuleIds.TypeNotJsonSerializable).WithLocation(4).WithArguments("Parameter 'source'", "Cancel", "System.Threading.CancellationTokenSource",
                "threads, wait handles and cancellation sources belong to one process"));
    }

    [Test]
    public async Task TypesSystemTextJsonCannotHandleAreReported()
    {
        await VerifyCS.VerifyAsync("""
            public class Sealed { private Sealed() { } public int Value { get; set; } }
            public class WithJsonCtor { [System.Text.Json.Serialization.JsonConstructor] internal WithJsonCtor(int value) { Value = value; } public int Value { get; } }

            [Service]
            public partial class Svc
            {
                [Handler] public Task Kind(IContext ctx, Type {|#0:type|}) => Task.CompletedTask;
                [Handler] public Task Grid(IContext ctx, int[,] {|#1:grid|}) => Task.CompletedTask;
                [Handler] public Task<Sealed> {|#2:Make|}(IContext ctx) => Task.FromResult<Sealed>(null!);
                [Handler] public Task Handle(IContext ctx, IntPtr {|#3:handle|}) => Task.CompletedTask;
                [Handler] public Task Fine(IContext ctx, WithJsonCtor value) => Task.CompletedTask;
                [Handler] public Task<List<Dictionary<string, int[]>>> Nested(IContext ctx) => Task.FromResult(new List<Dictionary<string, int[]>>());
            }

            [DurableAgent]
            public partial class Agent
            {
                [DurableTool(Description = "x")] public string Describe(System.Reflection.MethodInfo {|#4:method|}) => "";
            }
            """,
            VerifyCS.Diagnostic(RuleIds.TypeNotJsonSerializable).WithLocation(0).WithArguments("The input 'type'", "Kind", "System.Type", "reflection types are not supported"),
            VerifyCS.Diagnostic(RuleIds.TypeNotJsonSerializable).WithLocation(1).WithArguments("The input 'grid'", "Grid", "int[*,*]", "multi-dimensional arrays are not supported"),
            VerifyCS.Diagnostic(RuleIds.TypeNotJsonSerializable).WithLocation(2).WithArguments("The result", "Make", "Sealed", "it has no public constructor (add one, or mark one [JsonConstructor])"),
            VerifyCS.Diagnostic(RuleIds.TypeNotJsonSerializable).WithLocation(3).WithArguments("The input 'handle'", "Handle", "nint", "IntPtr and UIntPtr are not supported"),
            VerifyCS.Diagnostic(RuleIds.TypeNotJsonSerializable).WithLocation(4).WithArguments("Parameter 'method'", "Describe", "System.Reflection.MethodInfo", "reflection types are not supported"));
    }

    [Test]
    public async Task ToolWithoutDescriptionIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [DurableAgent]
            public partial class Agent
            {
                [DurableTool] public string {|#0:Bare|}(string q) => q;
                [DurableTool(Description = " ")] public string {|#1:Blank|}(string q) => q;
                // A plain comment is not a description.
                [DurableTool] public string {|#2:Commented|}(string q) => q;
            }
            """,
            VerifyCS.Diagnostic(RuleIds.ToolWithoutDescription).WithLocation(0).WithArguments("Bare"),
            VerifyCS.Diagnostic(RuleIds.ToolWithoutDescription).WithLocation(1).WithArguments("Blank"),
            VerifyCS.Diagnostic(RuleIds.ToolWithoutDescription).WithLocation(2).WithArguments("Commented"));
    }

    [Test]
    public async Task InvalidToolSignaturesAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [DurableAgent]
            public partial class Agent
            {
                [DurableTool(Description = "x")] public string {|#0:UsesContext|}(IContext ctx) => "";
                [DurableTool(Description = "x")] public T {|#1:Generic|}<T>(T value) => value;
                [DurableTool(Description = "x")] public void {|#2:Out|}(out int value) { value = 1; }
                [DurableTool(Description = "x")] public Func<int> {|#3:ReturnsDelegate|}() => () => 1;
            }
            """,
            VerifyCS.Diagnostic(RuleIds.InvalidToolSignature).WithLocation(0).WithArguments("UsesContext", "parameter 'ctx' is a durable context; a tool body is a step and cannot make durable calls"),
            VerifyCS.Diagnostic(RuleIds.InvalidToolSignature).WithLocation(1).WithArguments("Generic", "a tool cannot be generic"),
            VerifyCS.Diagnostic(RuleIds.InvalidToolSignature).WithLocation(2).WithArguments("Out", "parameter 'value' is passed by reference or as params"),
            VerifyCS.Diagnostic(RuleIds.InvalidToolSignature).WithLocation(3).WithArguments("ReturnsDelegate", "the result type 'System.Func<int>': delegates cannot be serialized"));
    }

    [Test]
    public async Task AttributesOnClassesTheGeneratorIgnoresAreReported()
    {
        await VerifyCS.VerifyAsync("""
            public class Plain
            {
                [Handler] public Task {|#0:Run|}(IContext ctx) => Task.CompletedTask;
                [DurableTool(Description = "x")] public string {|#1:Tool|}() => "";
            }

            [Service]
            public partial class Svc
            {
                [Handler] public Task Run(IContext ctx) => Task.CompletedTask;
                [DurableTool(Description = "x")] public string {|#2:Tool|}() => "";
            }
            """,
            VerifyCS.Diagnostic(RuleIds.HandlerOutsideDurableClass).WithLocation(0).WithArguments("Run", "Handler", "[Service], [VirtualObject] or [Workflow]"),
            VerifyCS.Diagnostic(RuleIds.HandlerOutsideDurableClass).WithLocation(1).WithArguments("Tool", "DurableTool", "[DurableAgent]"),
            VerifyCS.Diagnostic(RuleIds.HandlerOutsideDurableClass).WithLocation(2).WithArguments("Tool", "DurableTool", "[DurableAgent]"));
    }
}
