using Enamel.Core.Access;
using Enamel.Server.Access;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Features.Home;

/// <summary>
/// GET /home, where a signed-in person lands (and "/" sends them): what their roles let them start from. For staff who
/// may read patients' demographics a "Find a patient" search (GET /patients?q=…), for those who may register one a link
/// to /patients/new, and for everyone their account. What is shown comes from the policy
/// (<see cref="AccessPolicy.CapabilitiesAsync"/> through <see cref="NavEntry.IsShownTo"/>); no role is named here.
/// </summary>
internal static class HomeFeature
{
    public const string Path = "/home";

    public static readonly NavEntry Home = new(Path, "Nav.Home", 0);

    /// <summary>The patient search (its endpoint belongs to the patients feature): staff who reach their clinics' patients.</summary>
    public static readonly NavEntry FindPatient = new("/patients", "Nav.Patients", 10,
        new Operation(RecordCategory.Demographics, RecordAction.Read), RoleReach.ClinicPatients);

    /// <summary>Registering a patient (its endpoint belongs to the patients feature).</summary>
    public static readonly NavEntry RegisterPatient = new("/patients/new", "Nav.RegisterPatient", 11,
        new Operation(RecordCategory.Demographics, RecordAction.Create), RoleReach.ClinicPatients);

    public static IServiceCollection AddHome(this IServiceCollection services) =>
        services.AddNavEntry(Home).AddNavEntry(FindPatient);

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
        var model = new HomeView.Content(session.User.DisplayName, FindPatient.IsShownTo(capabilities), RegisterPatient.IsShownTo(capabilities));
        return WebPage.Render<HomeView>(model, session);
    }
}
