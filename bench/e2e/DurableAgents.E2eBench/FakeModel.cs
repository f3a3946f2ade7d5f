using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableAgents.E2eBench;

/// <summary>A local OpenAI-compatible chat endpoint that answers every request with the same tool call.</summary>
internal sealed class FakeModel : IAsyncDisposable
{
    private static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"fake","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":42,"completion_tokens":9,"total_tokens":51}}""");

    private readonly WebApplication _app;

    private FakeModel(WebApplication app, Uri uri)
    {
        _app = app;
        Uri = uri;
    }

    public Uri Uri { get; }

    public long Requests;

    public static async Task<FakeModel> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        FakeModel? self = null;
        app.Run(async ctx =>
        {
            if (ctx.Request.Method != "POST" || ctx.Request.Path != "/v1/chat/completions")
            {
                ctx.Response.StatusCode = 404;
                return;
            }

            // read the whole request, as a model server would
            var buffer = new byte[4096];
            while (await ctx.Request.Body.ReadAsync(buffer) > 0)
            {
            }

            Interlocked.Increment(ref self!.Requests);
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = Completion.Length;
            await ctx.Response.Body.WriteAsync(Completion);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeModel(app, new Uri(new Uri(address), "/v1/chat/completions"));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
