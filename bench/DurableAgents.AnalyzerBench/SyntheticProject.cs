using System.Text;

namespace DurableAgents.AnalyzerBench;

/// <summary>
/// A large synthetic project: N durable classes (services, objects, workflows and agents in rotation), each with
/// handlers that call helpers (some transitively, some only from steps), injected interfaces with I/O
/// implementations, helpers that forward a lambda into a step, method groups, plus plain classes. About one handler in
/// five has a determinism finding, so the analyzers do real work on both the clean and the reporting paths.
/// </summary>
internal static class SyntheticProject
{
    public static IReadOnlyList<(string Path, string Text)> Generate(int classes)
    {
        var files = new List<(string, string)>();
        for (var i = 0; i < classes; i++)
        {
            files.Add(($"Durable{i}.cs", DurableClass(i)));
            files.Add(($"Helpers{i}.cs", Helpers(i)));
        }

        return files;
    }

    private static string DurableClass(int i)
    {
        var sb = new StringBuilder();
        sb.AppendLine("using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks; using DurableAgents;");
        sb.AppendLine($"namespace Synthetic.N{i % 20};");
        sb.AppendLine($"public record Request{i}(string Name, int Count, List<string> Tags);");
        sb.AppendLine($"public record Reply{i}(string Text, DateTimeOffset At);");
        switch (i % 4)
        {
            case 0:
                sb.AppendLine($"[Service] public partial class Service{i}(IStore{i} store)");
                sb.AppendLine("{");
                sb.AppendLine($"    [Handler] public async Task<Reply{i}> Handle(IContext ctx, Request{i} request)");
                sb.AppendLine("    {");
                sb.AppendLine($"        var total = await ctx.RunAsync(\"load\", ct => Task.FromResult(Helper{i}.LoadInStep(request.Count)));");
                sb.AppendLine($"        var text = Helper{i}.Format(request.Name, total);");
                sb.AppendLine($"        var stamp = await Steps{i}.Journaled(ctx, \"stamp\", () => DateTime.UtcNow.Ticks);");
                sb.AppendLine($"        var evens = request.Tags.Select(t => t.Length).Where(Helper{i}.IsEven).Count();");
                sb.AppendLine(i % 20 == 4 ? "        text += store.Load(request.Name);" : "        text += await ctx.RunAsync(\"read\", ct => Task.FromResult(store.Load(request.Name)));");
                sb.AppendLine("        text += stamp + evens;");
                sb.AppendLine("        var now = await ctx.NowAsync();");
                sb.AppendLine($"        foreach (var tag in request.Tags.OrderBy(t => t, StringComparer.Ordinal)) {{ text += await ctx.RunAsync(\"tag\", ct => Task.FromResult(tag)); }}");
                sb.AppendLine(i % 20 == 0 ? "        text += DateTime.UtcNow.ToString();" : "        text += now.ToString();");
                sb.AppendLine($"        return new Reply{i}(text, now);");
                sb.AppendLine("    }");
                sb.AppendLine($"    [Handler] public Task<int> Count(IContext ctx, int n) => Task.FromResult(Helper{i}.Sum(n));");
                sb.AppendLine("}");
                break;
            case 1:
                sb.AppendLine($"[VirtualObject] public partial class Object{i}");
                sb.AppendLine("{");
                sb.AppendLine("    [Handler] public async Task Add(IObjectContext ctx, int delta)");
                sb.AppendLine("    {");
                sb.AppendLine("        var current = await ctx.GetAsync<int>(\"count\");");
                sb.AppendLine($"        ctx.Set(\"count\", current + Helper{i}.Sum(delta));");
                sb.AppendLine(i % 20 == 1 ? $"        Helper{i}.Audit(delta);" : "        await ctx.SleepAsync(TimeSpan.FromMilliseconds(1));");
                sb.AppendLine("    }");
                sb.AppendLine("    [SharedHandler] public async Task<int> Get(ISharedObjectContext ctx) => await ctx.GetAsync<int>(\"count\");");
                sb.AppendLine("}");
                break;
            case 2:
                sb.AppendLine($"[Workflow] public partial class Workflow{i}");
                sb.AppendLine("{");
                sb.AppendLine("    [Handler] public async Task<string> Run(IWorkflowContext ctx, string email)");
                sb.AppendLine("    {");
                sb.AppendLine("        var code = ctx.NewGuid().ToString(\"N\");");
                sb.AppendLine($"        await ctx.RunAsync(\"send\", ct => Task.FromResult(Helper{i}.LoadInStep(email.Length)));");
                sb.AppendLine("        var a = ctx.RunAsync(\"a\", ct => Task.FromResult(1)); var b = ctx.RunAsync(\"b\", ct => Task.FromResult(2));");
                sb.AppendLine("        await ctx.WhenAll(a, b);");
                sb.AppendLine(i % 20 == 2 ? "        await Task.WhenAny(a.AsTask(), b.AsTask());" : "        await Task.WhenAll(a.AsTask(), b.AsTask());");
                sb.AppendLine($"        return code + Helper{i}.Format(email, await a + await b);");
                sb.AppendLine("    }");
                sb.AppendLine("    [SharedHandler] public Task<string> Status(ISharedWorkflowContext ctx) => Task.FromResult(ctx.Key);");
                sb.AppendLine("}");
                break;
            default:
                sb.AppendLine($"[DurableAgent] public partial class Agent{i}");
                sb.AppendLine("{");
                sb.AppendLine($"    public string Instructions => Helper{i}.Format(\"You are agent\", {i});");
                sb.AppendLine("    /// <summary>Looks something up.</summary>");
                sb.AppendLine($"    [DurableTool] public Task<string> Lookup(string query) => Task.FromResult(Helper{i}.LoadInStep(query.Length).ToString() + DateTime.UtcNow);");
                sb.AppendLine("    [DurableTool(Description = \"Adds.\")] public int Add(int a, int b) => a + b;");
                sb.AppendLine("}");
                break;
        }

        return sb.ToString();
    }

    private static string Helpers(int i)
    {
        var sb = new StringBuilder();
        sb.AppendLine("using System; using System.Collections.Generic; using System.Linq;");
        sb.AppendLine($"namespace Synthetic.N{i % 20};");
        sb.AppendLine($"public static class Helper{i}");
        sb.AppendLine("{");
        sb.AppendLine("    public static string Format(string name, int value) => Pad(name) + \":\" + Sum(value).ToString(System.Globalization.CultureInfo.InvariantCulture);");
        sb.AppendLine("    private static string Pad(string s) => s.Length < 8 ? s.PadRight(8) : s;");
        sb.AppendLine("    public static int Sum(int n) { var total = 0; for (var k = 0; k < n; k++) { total += Square(k); } return total; }");
        sb.AppendLine("    private static int Square(int k) => k * k;");
        sb.AppendLine("    public static int LoadInStep(int n) => System.IO.File.Exists(\"x\" + n) ? Environment.TickCount : Random.Shared.Next(n + 1);");
        sb.AppendLine(i % 20 == 1
            ? "    public static void Audit(int delta) => Console.WriteLine($\"{delta} at {DateTimeOffset.Now}\");"
            : "    public static void Audit(int delta) => Console.WriteLine(delta);");
        sb.AppendLine("    public static IEnumerable<int> Evens(IEnumerable<int> xs) => xs.Where(x => x % 2 == 0).Select(x => Square(x));");
        sb.AppendLine("    public static bool IsEven(int x) => x % 2 == 0;");
        sb.AppendLine("    public static readonly IReadOnlyList<string> Names = new[] { \"a\", \"b\" };");
        sb.AppendLine("}");
        sb.AppendLine($"public interface IStore{i} {{ string Load(string key); }}");
        sb.AppendLine($"public sealed class FileStore{i} : IStore{i} {{ public string Load(string key) => System.IO.File.ReadAllText(key); }}");
        sb.AppendLine($"public static class Steps{i}");
        sb.AppendLine("{");
        sb.AppendLine("    // Forwards the body into a step: the clock read inside the caller's lambda is journaled.");
        sb.AppendLine("    public static async System.Threading.Tasks.Task<long> Journaled(DurableAgents.IContext ctx, string name, Func<long> body)");
        sb.AppendLine("        => await ctx.RunAsync(name, ct => System.Threading.Tasks.Task.FromResult(body()));");
        sb.AppendLine("}");
        sb.AppendLine($"public sealed class Plain{i}");
        sb.AppendLine("{");
        sb.AppendLine("    public DateTime Stamp() => DateTime.UtcNow;");
        sb.AppendLine("    public Guid Id() => Guid.NewGuid();");
        sb.AppendLine("}");
        return sb.ToString();
    }
}
