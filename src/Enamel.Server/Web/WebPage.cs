using System.Text;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

/// <summary>The page frame every web page shares: one stylesheet and one script from /static (no inline code: the CSP forbids it).</summary>
internal static class WebPage
{
    public static IResult Render(string title, Html body, int status = StatusCodes.Status200OK, Html? header = null) =>
        Results.Content(Html.Of($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · Enamel</title>
            <link rel="stylesheet" href="/static/enamel.css">
            <script src="/static/enamel.js" defer></script>
            </head>
            <body>
            <header><span class="brand">Enamel</span>{header ?? Html.Empty}</header>
            <main>
            <h1>{title}</h1>
            {body}
            </main>
            </body>
            </html>
            """).Value, "text/html; charset=utf-8", Encoding.UTF8, status);

    public static Html Error(string? message) => Html.When(message is not null, $"""<p class="error" role="alert">{message}</p>""");

    public static Html Notice(string? message) => Html.When(message is not null, $"""<p class="notice" role="status">{message}</p>""");

    /// <summary>The hidden synchronizer-token field every state-changing form carries.</summary>
    public static Html CsrfField(string token) => Html.Of($"""<input type="hidden" name="{Csrf.FieldName}" value="{token}">""");

    /// <summary>A 303 to a local path (after a POST, the browser follows with GET).</summary>
    public static IResult SeeOther(string localPath) => new SeeOtherResult(localPath);

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
