namespace Enamel.Core.Access;

/// <summary>
/// Who is asking: an authenticated user (or API token acting for one). Built from the account by the edge that
/// authenticated the request; the policy never trusts anything else the request says about itself.
/// </summary>
public sealed record Actor(string UserId, string UserName, IReadOnlyList<string> Roles, IReadOnlySet<string> Clinics)
{
    /// <summary>For a patient account: the patient record it belongs to.</summary>
    public long? OwnPatientKey { get; init; }

    /// <summary>For a guardian: the dependants' patient records.</summary>
    public IReadOnlySet<long> Dependants { get; init; } = new HashSet<long>();

    /// <summary>For an external recipient: patients shared with them (filled from active shares).</summary>
    public IReadOnlySet<long> SharedPatients { get; init; } = new HashSet<long>();

    /// <summary>An API token narrows the user's permissions to these operations; null for an interactive session.</summary>
    public IReadOnlySet<Operation>? TokenScope { get; init; }

    /// <summary>Where the request came from: IP address, or calling AE title for DIMSE.</summary>
    public string Source { get; init; } = "";

    public bool Disabled { get; init; }

    /// <summary>The clinic new patients of this actor go to when none is named: their only clinic, else <paramref name="fallback"/>.</summary>
    public string OnlyClinicOr(string fallback) => Clinics.Count == 1 ? Clinics.Single() : fallback;
}
