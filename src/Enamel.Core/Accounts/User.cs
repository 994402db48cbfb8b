using Enamel.Core.Access;

namespace Enamel.Core.Accounts;

/// <summary>An account. Secrets are never held in the clear: the password as an Argon2id hash, the TOTP secret sealed by <see cref="SecretProtector"/>.</summary>
public sealed record User(string Id, string UserName, string DisplayName, IReadOnlyList<string> Roles, IReadOnlySet<string> Clinics, DateTimeOffset Created)
{
    public string PasswordHash { get; init; } = "";
    public bool MustChangePassword { get; init; }
    public bool Disabled { get; init; }

    /// <summary>The sealed TOTP secret; null when the user has not enrolled a second factor.</summary>
    public string? TotpSecret { get; init; }

    /// <summary>The last accepted TOTP time step: a code for this step or an earlier one is a replay.</summary>
    public long TotpLastStep { get; init; }

    public int FailedLogins { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>For a patient account: the patient record it belongs to; for a guardian also the dependants'.</summary>
    public long? PatientKey { get; init; }
    public IReadOnlySet<long> Dependants { get; init; } = new HashSet<long>();

    public Actor ToActor(string source, IReadOnlySet<Operation>? tokenScope = null) => new(Id, UserName, Roles, Clinics)
    {
        OwnPatientKey = PatientKey,
        Dependants = Dependants,
        Source = source,
        TokenScope = tokenScope,
        Disabled = Disabled,
    };
}
