using Enamel.Core.Access;
using Enamel.Server.Access;
using Enamel.Server.Features.Patients;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Features.Home;

/// <summary>
/// GET /home, where a signed-in person lands (and "/" sends them): what their roles let them start from. For staff who
/// may read patients' demographics a "Find a patient" search (GET /patients?q=…), for those who may register one a link
/// to /patients/new, and for everyone their account. What is shown comes from the policy
/// (<see cref="AccessPolicy.CapabilitiesAsync"/> through <see cref="NavEntry.IsShownTo"/> of the patients feature's entries); no role is named here.
/// </summary>
internal static class HomeFeature
{
    public const string Path = "/home";

    public static readonly NavEntry Home = new(Path, "Nav.Home", 0);

    public static IServiceCollection AddHome(this IServiceCollection services) =>
        services.AddNavEntry(Home);

    public static WebApplication MapHome(this WebApplication app)
    {
        app.MapGet(Path, GetAsync).SignedIn().AsPage();
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext http, WebPages web, AccessPolicy policy)
    {
        var (session, redirect) = await web.RequireSessionAsync(http, Path);
        if (session is null) return redirect!;
        var capabilities = await policy.CapabilitiesAsync(session.User.ToActor(WebSession.Source(http)), http.RequestAborted);
        var model = new HomeView.Content(session.User.DisplayName, PatientsFeature.Find.IsShownTo(capabilities), PatientsFeature.Register.IsShownTo(capabilities));
        return WebPage.Render<HomeView>(model, session);
    }
}
