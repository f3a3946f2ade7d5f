using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace WeatherAgent;

/// <summary>
/// The live page (wwwroot: static files, no build step) and its two API routes, on the service's HTTP/1.1 listener:
/// <c>POST /api/runs</c> starts a run through the Restate ingress and returns its id; <c>POST /api/approve</c> forwards an
/// approval decision. The page reads the run's events from <c>/runs/{runId}/events</c> (<c>MapDurableAgentStreams</c>).
/// The test service links this file to serve the same page for another agent (the browser test).
/// </summary>
internal static class WebPage
{
    private const int MaxBody = 16 * 1024;

    /// <summary>Maps the page from <paramref name="root"/> (default: this app's wwwroot) for the agent <paramref name="agentService"/>.</summary>
    public static void Map(WebApplication app, Uri ingress, string agentService = "WeatherAgent", string? root = null)
    {
        app.MapDurableAgentStreams();
        var files = new PhysicalFileProvider(Path.GetFullPath(root ?? Path.Combine(AppContext.BaseDirectory, "wwwroot")));
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".mjs"] = "text/javascript";
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = types });
        var http = new HttpClient { BaseAddress = ingress, Timeout = TimeSpan.FromSeconds(30) };
        app.MapPost("/api/runs", (RequestDelegate)(async context =>
        {
            var body = await ReadJsonAsync(context);
            if (body?["message"] is not JsonValue value || !value.TryGetValue(out string? message) || string.IsNullOrWhiteSpace(message) || message.Length > 4000)
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync("A run needs a message of at most 4000 characters.");
                return;
            }

            await ForwardAsync(context, http, agentService + "/run/send", JsonValue.Create(message)!.ToJsonString(),
                json => new JsonObject { ["runId"] = json["invocationId"]?.GetValue<string>() }.ToJsonString());
        }));
        app.MapPost("/api/approve", (RequestDelegate)(async context =>
        {
            var body = await ReadJsonAsync(context);
            if (body?["id"] is not JsonValue id || !id.TryGetValue(out string? idText) || body["approved"] is not JsonValue approved
                || !approved.TryGetValue(out bool approvedValue) || (body["reason"] is { } r && (r is not JsonValue rv || !rv.TryGetValue(out string? _))))
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync("A decision needs 'id' (a string), 'approved' (true or false) and optionally 'reason' (a string).");
                return;
            }

            var decision = new JsonObject { ["id"] = idText, ["approved"] = approvedValue, ["reason"] = body["reason"]?.GetValue<string>() };
            await ForwardAsync(context, http, agentService + "/approve", decision.ToJsonString(), null);
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
