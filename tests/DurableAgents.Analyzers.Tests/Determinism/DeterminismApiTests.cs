using Microsoft.CodeAnalysis.Testing;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>Each catalogued API, in a handler body, reports its rule; the deterministic look-alikes do not.</summary>
public class DeterminismApiTests
{
    /// <summary>A Service handler whose body is <paramref name="body"/>, with an HttpClient, a DbConnection and a DbCommand at hand.</summary>
    private static string InHandler(string body) => $$"""
        [Service]
        public partial class Svc
        {
            private readonly System.Net.Http.HttpClient _http = new();
            private readonly System.Data.Common.DbConnection _db = null!;
            private readonly System.Data.Common.DbCommand _cmd = null!;

            [Handler]
            public async Task Run(IContext ctx)
            {
                await Task.Yield();
                {{body}}
            }
        }
        """;

    private static Task Reports(string id, string body, string api) =>
        VerifyCS.VerifyAsync(InHandler(body), VerifyCS.Diagnostic(id).WithLocation(0).WithArguments(api, "Svc.Run"));

    [TestCase("var v = {|#0:DateTime.Now|};", "DateTime.Now")]
    [TestCase("var v = {|#0:DateTime.UtcNow|};", "DateTime.UtcNow")]
    [TestCase("var v = {|#0:DateTime.Today|};", "DateTime.Today")]
    [TestCase("var v = {|#0:DateTimeOffset.Now|};", "DateTimeOffset.Now")]
    [TestCase("var v = {|#0:DateTimeOffset.UtcNow|};", "DateTimeOffset.UtcNow")]
    [TestCase("var v = {|#0:TimeProvider.System|};", "TimeProvider.System")]
    [TestCase("var v = {|#0:TimeProvider.System.GetUtcNow()|};", "TimeProvider.GetUtcNow")]
    [TestCase("var v = {|#0:Environment.TickCount|};", "Environment.TickCount")]
    [TestCase("var v = {|#0:Environment.TickCount64|};", "Environment.TickCount64")]
    [TestCase("var v = {|#0:System.Diagnostics.Stopwatch.StartNew()|};", "Stopwatch.StartNew")]
    [TestCase("var v = {|#0:System.Diagnostics.Stopwatch.GetTimestamp()|};", "Stopwatch.GetTimestamp")]
    [TestCase("var v = {|#0:new System.Diagnostics.Stopwatch()|};", "new Stopwatch()")]
    public Task Clock(string body, string api) => Reports(RuleIds.NonDeterministicClock, body, api);

    [TestCase("var v = {|#0:Guid.NewGuid()|};", "Guid.NewGuid")]
    [TestCase("var v = {|#0:Guid.CreateVersion7()|};", "Guid.CreateVersion7")]
    public Task Guids(string body, string api) => Reports(RuleIds.NonDeterministicGuid, body, api);

    [TestCase("var v = {|#0:new Random()|}.Next();", "new Random()")]
    [TestCase("var v = {|#0:Random.Shared|}.Next();", "Random.Shared")]
    [TestCase("var v = {|#0:System.Security.Cryptography.RandomNumberGenerator.GetInt32(10)|};", "RandomNumberGenerator.GetInt32")]
    [TestCase("var v = {|#0:System.Security.Cryptography.RandomNumberGenerator.Create()|};", "RandomNumberGenerator.Create")]
    [TestCase("var v = {|#0:System.IO.Path.GetRandomFileName()|};", "Path.GetRandomFileName")]
    public Task Randoms(string body, string api) => Reports(RuleIds.NonDeterministicRandom, body, api);

    [TestCase("await {|#0:Task.Delay(100)|};", "Task.Delay")]
    [TestCase("await {|#0:Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)|};", "Task.Delay")]
    [TestCase("{|#0:Thread.Sleep(10)|};", "Thread.Sleep")]
    [TestCase("using var t = {|#0:new Timer(_ => { })|};", "new Timer()")]
    [TestCase("using var t = {|#0:new System.Timers.Timer()|};", "new Timer()")]
    [TestCase("using var t = {|#0:new PeriodicTimer(TimeSpan.FromSeconds(1))|};", "new PeriodicTimer()")]
    public Task Delays(string body, string api) => Reports(RuleIds.NonDurableDelay, body, api);

    [TestCase("await {|#0:Task.Run(() => 1)|};", "Task.Run")]
    [TestCase("await {|#0:Task.Factory.StartNew(() => 1)|};", "TaskFactory.StartNew")]
    [TestCase("{|#0:new Thread(() => { })|}.Start();", "new Thread()")]
    [TestCase("{|#0:ThreadPool.QueueUserWorkItem(_ => { })|};", "ThreadPool.QueueUserWorkItem")]
    [TestCase("{|#0:Parallel.For(0, 10, i => { })|};", "Parallel.For")]
    [TestCase("await {|#0:Parallel.ForEachAsync(new[] { 1 }, (i, ct) => ValueTask.CompletedTask)|};", "Parallel.ForEachAsync")]
    [TestCase("await {|#0:Task.CompletedTask.ContinueWith(t => { })|};", "Task.ContinueWith")]
    public Task Concurrency(string body, string api) => Reports(RuleIds.UnjournaledConcurrency, body, api);

    [TestCase("await {|#0:Task.CompletedTask.ConfigureAwait(false)|};", "Task.ConfigureAwait")]
    [TestCase("await {|#0:Task.FromResult(1).ConfigureAwait(false)|};", "Task.ConfigureAwait")]
    [TestCase("await {|#0:ValueTask.CompletedTask.ConfigureAwait(false)|};", "ValueTask.ConfigureAwait")]
    [TestCase("await {|#0:Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.None)|};", "Task.ConfigureAwait")]
    public Task ConfigureAwait(string body, string api) => Reports(RuleIds.ConfigureAwaitFalse, body, api);

    [TestCase("var s = await {|#0:_http.GetStringAsync(\"http://example.org\")|};", "HttpClient.GetStringAsync")]
    [TestCase("using var r = await {|#0:_http.SendAsync(new System.Net.Http.HttpRequestMessage())|};", "HttpClient.SendAsync")]
    [TestCase("var s = {|#0:System.IO.File.ReadAllText(\"a.txt\")|};", "File.ReadAllText")]
    [TestCase("await {|#0:System.IO.File.WriteAllTextAsync(\"a.txt\", \"x\")|};", "File.WriteAllTextAsync")]
    [TestCase("var e = {|#0:System.IO.Directory.Exists(\"d\")|};", "Directory.Exists")]
    [TestCase("using var f = {|#0:new System.IO.FileStream(\"a\", System.IO.FileMode.Open)|};", "new FileStream()")]
    [TestCase("using var f = {|#0:new System.IO.StreamReader(\"a\")|};", "new StreamReader()")]
    [TestCase("using var c = {|#0:new System.Net.Sockets.TcpClient()|};", "new TcpClient()")]
    [TestCase("using var p = {|#0:System.Diagnostics.Process.Start(\"ls\")|};", "Process.Start")]
    [TestCase("{|#0:_db.Open()|};", "DbConnection.Open")]
    [TestCase("await {|#0:_db.OpenAsync()|};", "DbConnection.OpenAsync")]
    [TestCase("var n = {|#0:_cmd.ExecuteNonQuery()|};", "DbCommand.ExecuteNonQuery")]
    [TestCase("var line = {|#0:Console.ReadLine()|};", "Console.ReadLine")]
    [TestCase("var a = await {|#0:System.Net.Dns.GetHostAddressesAsync(\"example.org\")|};", "Dns.GetHostAddressesAsync")]
    public Task Io(string body, string api) => Reports(RuleIds.IoOutsideStep, body, api);

    [TestCase("var v = {|#0:Environment.GetEnvironmentVariable(\"HOME\")|};", "Environment.GetEnvironmentVariable")]
    [TestCase("var v = {|#0:Environment.MachineName|};", "Environment.MachineName")]
    [TestCase("var v = {|#0:Environment.ProcessorCount|};", "Environment.ProcessorCount")]
    [TestCase("var v = {|#0:Environment.UserName|};", "Environment.UserName")]
    [TestCase("var v = {|#0:Environment.CurrentDirectory|};", "Environment.CurrentDirectory")]
    [TestCase("var v = {|#0:Environment.OSVersion|};", "Environment.OSVersion")]
    [TestCase("var v = {|#0:System.IO.Directory.GetCurrentDirectory()|};", "Directory.GetCurrentDirectory")]
    public Task EnvironmentReads(string body, string api) => Reports(RuleIds.EnvironmentRead, body, api);

    [TestCase("var v = new Random(42).Next();")]
    [TestCase("await Task.CompletedTask.ConfigureAwait(true);")]
    [TestCase("var v = DateTime.UnixEpoch + TimeSpan.FromSeconds(1);")]
    [TestCase("var v = Guid.Empty;")]
    [TestCase("using var r = new System.IO.StreamReader(new System.IO.MemoryStream());")]
    [TestCase("var v = await ctx.NowAsync(); var g = ctx.NewGuid(); var r = ctx.Random.Next(10); await ctx.SleepAsync(TimeSpan.FromSeconds(1));")]
    [TestCase("await Task.WhenAll(Task.CompletedTask, Task.CompletedTask);")]
    [TestCase("Console.WriteLine(\"logging is not I/O that changes the path\");")]
    [TestCase("var client = new System.Net.Http.HttpClient(); client.Dispose();")]
    public Task DeterministicLookAlikesAreNotReported(string body) => VerifyCS.VerifyAsync(InHandler(body));

    [Test]
    public async Task ChatClientAndAiFunctionCallsAreReported()
    {
        await VerifyCS.VerifyWithAiAsync("""
            using Microsoft.Extensions.AI;

            [Service]
            public partial class Svc
            {
                private readonly IChatClient _chat = null!;
                private readonly AIFunction _tool = null!;

                [Handler]
                public async Task<string> Ask(IContext ctx, string question)
                {
                    var a = await {|#0:_chat.GetResponseAsync(question)|};
                    var b = await {|#1:_chat.GetResponseAsync(new[] { new ChatMessage(question) })|};
                    await foreach (var update in {|#2:_chat.GetStreamingResponseAsync(new[] { new ChatMessage(question) })|}) { }
                    var c = await {|#3:_tool.InvokeAsync()|};
                    var inStep = await ctx.RunAsync("ask", async ct => (await _chat.GetResponseAsync(question)).Text);
                    return a.Text + b.Text + c + inStep;
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.LlmCallOutsideStep).WithLocation(0).WithArguments("ChatClientExtensions.GetResponseAsync", "Svc.Ask"),
            VerifyCS.Diagnostic(RuleIds.LlmCallOutsideStep).WithLocation(1).WithArguments("IChatClient.GetResponseAsync", "Svc.Ask"),
            VerifyCS.Diagnostic(RuleIds.LlmCallOutsideStep).WithLocation(2).WithArguments("IChatClient.GetStreamingResponseAsync", "Svc.Ask"),
            VerifyCS.Diagnostic(RuleIds.LlmCallOutsideStep).WithLocation(3).WithArguments("AIFunction.InvokeAsync", "Svc.Ask"));
    }

    [Test]
    public async Task ChatClientImplementationIsMatchedThroughItsInterface()
    {
        await VerifyCS.VerifyWithAiAsync("""
            using System.Collections.Generic;
            using Microsoft.Extensions.AI;

            public sealed class FakeClient : IChatClient
            {
                public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => Task.FromResult(new ChatResponse());
                public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
            }

            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<string> Ask(IContext ctx, string question) =>
                    (await {|#0:new FakeClient().GetResponseAsync(new[] { new ChatMessage(question) })|}).Text;
            }
            """,
            VerifyCS.Diagnostic(RuleIds.LlmCallOutsideStep).WithLocation(0).WithArguments("IChatClient.GetResponseAsync", "Svc.Ask"));
    }

    [Test]
    public async Task MutableStaticReadsAreReportedButNotConstantsOrReadonly()
    {
        await VerifyCS.VerifyAsync("""
            public static class Config
            {
                public static int Limit = 3;
                public static readonly int Fixed = 3;
                public const int Constant = 3;
            }

            [Service]
            public partial class Svc
            {
                [Handler]
                public Task<int> Run(IContext ctx)
                {
                    {|#1:Config.Limit|} = 4;
                    return Task.FromResult({|#0:Config.Limit|} + Config.Fixed + Config.Constant);
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.MutableStaticRead).WithLocation(0).WithArguments("Config.Limit", "Svc.Run", "a mutable static field"),
            VerifyCS.Diagnostic(RuleIds.StaticStateWrite).WithLocation(1).WithArguments("Config.Limit", "Svc.Run", "assignment"));
    }

    [Test]
    public async Task HashOrderedIterationIsReportedOnlyWhenItDrivesDurableCalls()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<int> Run(IContext ctx, string[] names)
                {
                    var set = new HashSet<string>(names);
                    var map = new Dictionary<string, int>();
                    foreach (var name in {|#0:set|})
                    {
                        await ctx.RunAsync("greet " + name, ct => Task.FromResult(name.Length));
                    }

                    foreach (var key in {|#1:map.Keys|})
                    {
                        ctx.Send(CallTarget.ForService("Other", "run"), key);
                    }

                    var total = 0;
                    foreach (var name in set) { total += name.Length; }
                    foreach (var name in names) { await ctx.RunAsync("list " + name, ct => Task.FromResult(1)); }
                    return total;
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.UnorderedIterationDrivesDurableCalls).WithLocation(0).WithArguments("foreach over HashSet", "Svc.Run"),
            VerifyCS.Diagnostic(RuleIds.UnorderedIterationDrivesDurableCalls).WithLocation(1).WithArguments("foreach over Dictionary", "Svc.Run"));
    }
}
