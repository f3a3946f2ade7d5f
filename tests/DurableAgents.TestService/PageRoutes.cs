using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace DurableAgents.TestService;

/// <summary>
/// The WeatherAgent sample's live page (its own wwwroot, from <c>DA_PAGE_ROOT</c>) with the same routes as the sample's
/// WebPage, pointed at the <c>Booker</c> agent (an approval-gated tool): <c>POST /api/runs</c> starts a run,
/// <c>POST /api/approve</c> forwards a decision, <c>/runs/{runId}/events</c> streams the run. Used by the browser test.
/// </summary>
internal static class PageRoutes
{
    private const int MaxBody = 16 * 1024;

    public static void Map(WebApplication app, string root, Uri ingress)
    {
        app.MapDurableAgentStreams();
        var files = new PhysicalFileProvider(Path.GetFullPath(root));
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".mjs"] = "text/javascript";
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = types });
        var http = new HttpClient { BaseAddress = ingress, Timeout = TimeSpan.FromSeconds(30) };
        app.MapPost("/api/runs", (RequestDelegate)(async context =>
        {
            var message = (await ReadJsonAsync(context))?["message"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(message) || message.Length > 4000)
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync("A run needs a message of at most 4000 characters.");
                return;
            }

            await ForwardAsync(context, http, "Booker/run/send", JsonValue.Create(message)!.ToJsonString(),
                json => new JsonObject { ["runId"] = json["invocationId"]?.GetValue<string>() }.ToJsonString());
        }));
        app.MapPost("/api/approve", (RequestDelegate)(async context =>
        {
            var body = await ReadJsonAsync(context);
            if (body?["id"] is not JsonValue id || body["approved"] is not JsonValue approved)
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync("A decision needs 'id' and 'approved'.");
                return;
            }

            var decision = new JsonObject { ["id"] = id.GetValue<string>(), ["approved"] = approved.GetValue<bool>(), ["reason"] = body["reason"]?.GetValue<string>() };
            await ForwardAsync(context, http, "Booker/approve", decision.ToJsonString(), null);
        }));
    }

    private static async Task<JsonObject?> ReadJsonAsync(HttpContext context)
    {
        if (context.Request.ContentLength is > MaxBody)
        {
            return null;
        }

        var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length > MaxBody)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(buffer.ToArray()) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task ForwardAsync(HttpContext context, HttpClient http, string path, string json, Func<JsonObject, string>? reshape)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content, context.RequestAborted);
        var text = await response.Content.ReadAsStringAsync(context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.IsSuccessStatusCode && reshape is not null && JsonNode.Parse(text) is JsonObject o ? reshape(o) : text);
    }
}
