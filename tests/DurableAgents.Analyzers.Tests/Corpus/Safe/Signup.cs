using System.Net.Http.Json;
using System.Text.Json.Serialization;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Signup;

public sealed record SignupRequest(string Email, string DisplayName);

public sealed record SignupResult(string UserId, bool Verified, string Status);

public sealed record VerificationCode(string Code);

/// <summary>
/// A user sign-up: send a verification mail (a step), wait for the code (a durable promise) or time out after a day
/// (a durable timer), then create the account (a step). Status is readable while the run waits.
/// </summary>
[Workflow("Signup")]
public sealed partial class SignupWorkflow(HttpClient http, ILogger<SignupWorkflow> logger)
{
    private static readonly TimeSpan VerificationWindow = TimeSpan.FromHours(24);

    [Handler]
    public async Task<SignupResult> RunAsync(IWorkflowContext ctx, SignupRequest request)
    {
        ctx.Set("status", "sending-mail");
        var expected = ctx.Random.Next(100_000, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ctx.RunAsync("send-verification-mail", async ct =>
        {
            using var response = await http.PostAsJsonAsync("https://mail.example/send", new { to = request.Email, code = expected }, ct);
            response.EnsureSuccessStatusCode();
        });

        ctx.Set("status", "waiting-for-code");
        var code = ctx.Promise<VerificationCode>("code").GetAsync();
        var timeout = ctx.SleepAsync(VerificationWindow, "verification-window");
        var first = await ctx.WhenAny(code, timeout);
        if (first == 1)
        {
            ctx.Set("status", "expired");
            return new SignupResult("", false, "expired");
        }

        var received = await code;
        if (!string.Equals(received.Code, expected, StringComparison.Ordinal))
        {
            ctx.Set("status", "rejected");
            return new SignupResult("", false, "wrong code");
        }

        var userId = await ctx.RunAsync("create-account", async ct =>
        {
            using var response = await http.PostAsJsonAsync("https://accounts.example/users", request, ct);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync(ct);
        });

        logger.LogInformation("Signed up {Email} as {UserId}", request.Email, userId);
        ctx.Set("status", "done");
        return new SignupResult(userId, true, "done");
    }

    [SharedHandler]
    public async Task VerifyAsync(ISharedWorkflowContext ctx, VerificationCode code)
    {
        var promise = ctx.Promise<VerificationCode>("code");
        var peek = await promise.PeekAsync();
        if (peek.Exists)
        {
            return; // already verified: a second click on the link changes nothing
        }

        await promise.ResolveAsync(code);
    }

    [SharedHandler]
    public async Task<string> StatusAsync(ISharedWorkflowContext ctx) => await ctx.GetAsync<string>("status") ?? "unknown";

    [SharedHandler]
    public async Task CancelAsync(ISharedWorkflowContext ctx, string reason)
        => await ctx.Promise<VerificationCode>("code").RejectAsync("Sign-up cancelled: " + reason, 410);
}

[JsonSerializable(typeof(SignupRequest))]
[JsonSerializable(typeof(SignupResult))]
[JsonSerializable(typeof(VerificationCode))]
internal sealed partial class SignupJson : JsonSerializerContext;
