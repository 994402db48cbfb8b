using System.Text.Json;
using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Enamel.Server.Web;

/// <summary>What the web pages work with, resolved once: the account services, the CSRF key and the short-lived state.</summary>
internal sealed class WebPages(IUserStore users, Sessions sessions, SignIn signIn, SignOut signOut, UserAccounts accounts, IApiTokenStore tokenStore,
    IRoleCatalog roles, PasswordHasher hasher, Csrf csrf, AccountOptions accountOptions, IPendingStepStore pendingSteps, SecretProtector secrets, TimeProvider time)
{
    public IUserStore Users => users;
    public Sessions Sessions => sessions;
    public SignIn SignIn => signIn;
    public SignOut SignOut => signOut;
    public UserAccounts Accounts => accounts;
    public IApiTokenStore TokenStore => tokenStore;
    public IRoleCatalog Roles => roles;
    public PasswordHasher Hasher => hasher;
    public Csrf Csrf => csrf;
    public AccountOptions AccountOptions => accountOptions;
    public TimeProvider Time => time;
    public PendingSteps<PendingSignIn> Pending { get; } = new(pendingSteps, "signin",
        p => JsonSerializer.Serialize(p), json => JsonSerializer.Deserialize<PendingSignIn>(json), time);

    /// <summary>The TOTP secret is sealed by the master key while it waits (as it is in the user record afterwards).</summary>
    public PendingSteps<MfaEnrolment> Enrolments { get; } = new(pendingSteps, "mfa-enrolment",
        e => (e.Replaces ? "replace:" : "new:") + secrets.Protect(e.Secret),
        text => text.Split(':', 2) is [var kind and ("replace" or "new"), var sealedSecret] && secrets.TryUnprotect(sealedSecret) is { } secret
            ? new MfaEnrolment(secret, kind == "replace") : null, time);

    public const int MaxPasswordLength = 1000;
    public const int MinPasswordLength = 12;

    /// <summary>The cap on a form post's body, unless the page asks for more (<see cref="ReadFormAsync"/>).</summary>
    public const long MaxFormBytes = 64 * 1024;

    /// <summary>
    /// The posted form, or null when the request is not a form post (bodies are capped at <paramref name="maxBytes"/>,
    /// 64 KiB unless a page with long texts — a clinical note — asks for more).
    /// </summary>
    public static async Task<IFormCollection?> ReadFormAsync(HttpContext http, long maxBytes = MaxFormBytes)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;
        if (!http.Request.HasFormContentType) return null;
        try
        {
            return await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }
    }

    public static IResult BadForm() => WebPage.Problem("Problem.BadRequest", new Message("Problem.NotAFormPost"), StatusCodes.Status400BadRequest);

    /// <summary>
    /// The start of every signed-in form post: the form (capped), the session (else a redirect to sign in, coming back to
    /// <paramref name="returnPath"/>) and a valid CSRF token for it (else 403). <see cref="SignedInPost.Refusal"/> is the
    /// answer to send when any of them is missing.
    /// </summary>
    public async Task<SignedInPost> SignedInPostAsync(HttpContext http, string returnPath, long maxBytes = MaxFormBytes)
    {
        if (await ReadFormAsync(http, maxBytes) is not { } form) return SignedInPost.Refused(BadForm());
        var (session, redirect) = await RequireSessionAsync(http, returnPath);
        if (session is null) return SignedInPost.Refused(redirect!);
        if (!csrf.IsValid(http, form, session.CsrfBinding)) return SignedInPost.Refused(Csrf.Refused());
        return new SignedInPost(form, session, null);
    }

    /// <summary>The user of the request's session, or a redirect to sign in (coming back to <paramref name="returnPath"/>).</summary>
    public async Task<(WebSession? Session, IResult? Redirect)> RequireSessionAsync(HttpContext http, string returnPath)
    {
        var session = await WebSession.FindAsync(http, sessions);
        if (session is null) return (null, WebPage.SeeOther("/signin?return=" + Uri.EscapeDataString(returnPath)));
        if (session.User.MustChangePassword) return (null, WebPage.SeeOther("/signin")); // SignIn starts no session for them: belt and braces
        return (session, null);
    }

    /// <summary>
    /// The end of every successful sign-in: a NEW session id in the cookie, the session the browser presented before (if
    /// any) ended (no session fixation), the pre-sign-in and pending cookies cleared, and a 303 to a local path only.
    /// The session <paramref name="sessionToken"/> already exists: if anything fails before the response has started
    /// (including sending its headers), it is ended again, so a failed sign-in never leaves a live session behind.
    /// </summary>
    public Task<IResult> CompleteSignInAsync(HttpContext http, string sessionToken, string returnPath) =>
        Task.FromResult<IResult>(new SignInCompletion(this, sessionToken, LocalPath.OrDefault(returnPath)));

    private sealed class SignInCompletion(WebPages web, string sessionToken, string returnPath) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            try
            {
                if (WebCookies.Get(http.Request, WebCookies.Session) is { } previous && previous != sessionToken)
                    await web.Sessions.EndAsync(previous, http.RequestAborted);
                WebCookies.Set(http.Response, WebCookies.Session, sessionToken);
                WebCookies.Delete(http.Response, WebCookies.PreSignIn);
                WebCookies.Delete(http.Response, WebCookies.Pending);
                await WebPage.SeeOther(returnPath).ExecuteAsync(http);
                await http.Response.StartAsync(http.RequestAborted); // headers out now, inside the guard
            }
            catch
            {
                if (!http.Response.HasStarted) http.Response.Headers.Remove("Set-Cookie");
                await web.Sessions.EndAsync(sessionToken, CancellationToken.None);
                throw;
            }
        }
    }

    /// <summary>The pre-sign-in cookie's value, set now when the browser has none.</summary>
    public static string PreSignIn(HttpContext http)
    {
        if (WebCookies.Get(http.Request, WebCookies.PreSignIn) is { } existing) return existing;
        if (http.Items[PreSignInItem] is string set) return set; // already set by this response (the page and its shell both ask)
        var fresh = SecretToken.New();
        WebCookies.Set(http.Response, WebCookies.PreSignIn, fresh, TimeSpan.FromHours(1));
        http.Items[PreSignInItem] = fresh;
        return fresh;
    }

    private static readonly object PreSignInItem = new();

    /// <summary>Starts a pending sign-in step: a new random handle in the pending cookie, the user id on the server.</summary>
    public async Task StartPendingAsync(HttpContext http, PendingSignIn pending)
    {
        var handle = SecretToken.New();
        await Pending.PutAsync(SecretToken.Hash(handle), pending, pending.Expires, http.RequestAborted);
        WebCookies.Set(http.Response, WebCookies.Pending, handle, pending.Expires - time.GetUtcNow());
    }

    /// <summary>The pending step the browser holds, when it is of <paramref name="step"/> and belongs to this browser's pre-sign-in cookie.</summary>
    public Task<PendingSignIn?> PeekPendingAsync(HttpContext http, PendingStep step) => FindPendingAsync(http, step, take: false);

    /// <summary>As <see cref="PeekPendingAsync"/>, but the handle is used up.</summary>
    public Task<PendingSignIn?> TakePendingAsync(HttpContext http, PendingStep step) => FindPendingAsync(http, step, take: true);

    private async Task<PendingSignIn?> FindPendingAsync(HttpContext http, PendingStep step, bool take)
    {
        if (WebCookies.Get(http.Request, WebCookies.Pending) is not { } handle || WebCookies.Get(http.Request, WebCookies.PreSignIn) is not { } pre) return null;
        var key = SecretToken.Hash(handle);
        var pending = take ? await Pending.TakeAsync(key, http.RequestAborted) : await Pending.PeekAsync(key, http.RequestAborted);
        return pending is not null && pending.Step == step && pending.PreSignInHash == SecretToken.Hash(pre) ? pending : null;
    }

    /// <summary>The operations the user's roles permit: what a token of theirs may be scoped to.</summary>
    public async Task<IReadOnlyList<Operation>> PermittedOperationsAsync(User user, CancellationToken ct)
    {
        var permitted = new HashSet<Operation>();
        foreach (var name in user.Roles)
            if (await roles.FindAsync(name, ct) is { } role) permitted.UnionWith(role.Permissions);
        return [.. permitted.OrderBy(o => o.Category).ThenBy(o => o.Action)];
    }
}

/// <summary>
/// A TOTP secret generated for a session, waiting for its first code; <see cref="Replaces"/> when the user proved their
/// current second factor to replace it (a lost or new phone).
/// </summary>
internal sealed record MfaEnrolment(byte[] Secret, bool Replaces = false)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
}

/// <summary>A signed-in form post: <see cref="Form"/> and <see cref="Session"/> are set when <see cref="Refusal"/> is null.</summary>
internal sealed record SignedInPost(IFormCollection Form, WebSession Session, IResult? Refusal)
{
    public static SignedInPost Refused(IResult refusal) => new(null!, null!, refusal);
}
