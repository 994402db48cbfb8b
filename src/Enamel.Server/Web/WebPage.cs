using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Web;

/// <summary>
/// How an endpoint answers with a page: a Razor component rendered on the server (static SSR, no interactivity, no
/// blazor.web.js) with its <c>Model</c> and the <see cref="PageFrame"/> its <see cref="Shell"/> needs. The endpoint keeps
/// its access marker; the component only renders what the endpoint gathered.
/// </summary>
internal static class WebPage
{
    /// <summary>
    /// Renders <typeparamref name="TPage"/> (a component with parameters <c>Frame</c> and <c>Model</c>) for
    /// <paramref name="session"/> (null before sign-in). <paramref name="returnPath"/>: where switching language comes back to.
    /// </summary>
    public static IResult Render<TPage>(object model, WebSession? session, int status = StatusCodes.Status200OK, string? returnPath = null)
        where TPage : IComponent => new PageResult<TPage>(model, session, status, returnPath);

    /// <summary>A page that only says what went wrong.</summary>
    public static IResult Problem(string titleKey, Message error, int status, bool startAgain = false) =>
        Render<MessageView>(new MessageView.Content(titleKey, error, startAgain), null, status, "/");

    /// <summary>
    /// A refusal as a page in the signed-in shell (when there is a session): 404 "not found" (unknown and not yours alike)
    /// or 403 "not permitted", with <paramref name="error"/> or the generic text. The access gate answers pages with this
    /// (<see cref="IsPageRequest"/>) instead of a problem document.
    /// </summary>
    public static async Task<IResult> RefuseAsync(HttpContext http, int status, Message? error = null)
    {
        var web = http.RequestServices.GetRequiredService<WebPages>();
        var session = await WebSession.FindAsync(http, web.Sessions);
        bool notFound = status == StatusCodes.Status404NotFound;
        error ??= new Message(notFound ? "Problem.NotFoundText" : "Problem.ForbiddenText");
        return Render<MessageView>(new MessageView.Content(notFound ? "Problem.NotFound" : "Problem.Forbidden", error), session, status);
    }

    /// <summary>A browser asking for a page (<see cref="PageEndpoint"/>, Accept: text/html, no API token).</summary>
    public static bool IsPageRequest(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<PageEndpoint>() is not null && http.Request.Headers.Authorization.Count == 0
        && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>A 303 to a local path (after a POST, the browser follows with GET).</summary>
    public static IResult SeeOther(string localPath) => new SeeOtherResult(localPath);

    private sealed class PageResult<TPage>(object model, WebSession? session, int status, string? returnPath) : IResult
        where TPage : IComponent
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var frame = await PageFrame.BuildAsync(http, session, returnPath);
            var parameters = new Dictionary<string, object?> { ["Frame"] = frame, ["Model"] = model };
            await new RazorComponentResult<TPage>(parameters) { StatusCode = status }.ExecuteAsync(http);
        }
    }

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
