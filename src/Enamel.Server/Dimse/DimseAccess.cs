using Enamel.Core.Access;
using Enamel.Core.Studies;
using Enamel.Dicom.Network;
using Enamel.Server.Hosting;

namespace Enamel.Server.Dimse;

/// <summary>
/// DIMSE through the one policy decision point: the calling AE title is an Enamel account (Enamel:DicomAes maps AE →
/// user), so an AE may store, query or retrieve exactly what that account's roles allow. An unmapped AE acts with no
/// roles and is denied (deny by default); every decision is audited with the AE and its address as the source.
/// </summary>
internal sealed class DimseAccess(EnamelOptions options, DataFolder folder, AccessPolicy policy, IStudyIndex index)
{
    private sealed record Caller(Actor Actor, DicomAeOptions? Mapping);

    private async Task<Caller> CallerAsync(AssociationInfo association, CancellationToken ct)
    {
        var ae = association.CallingAeTitle.Trim();
        var source = $"AE {ae} from {association.Remote}";
        var mapping = options.DicomAes.FirstOrDefault(m => string.Equals(m.AeTitle, ae, StringComparison.Ordinal));
        if (mapping is not null && await folder.Security.Users.FindByNameAsync(mapping.User, ct) is { Disabled: false } user)
            return new(user.ToActor(source), mapping);
        return new(new Actor($"ae:{ae}", ae, [], new HashSet<string>()) { Source = source }, null);
    }

    private static Operation Imaging(RecordAction action) => new(RecordCategory.Imaging, action);

    public async Task<bool> AllowAsync(AssociationInfo association, RecordAction action, string? study, CancellationToken ct)
    {
        var caller = await CallerAsync(association, ct);
        var owner = study is null ? null : await index.FindStudyPatientAsync(study, ct);
        var scope = new ResourceScope(owner?.PatientKey, owner?.Clinic ?? options.Clinic) { Object = study is null ? "dimse" : $"study {study}" };
        return (await policy.DecideAsync(caller.Actor, Imaging(action), scope, Purpose.Treatment, ct)).Allowed;
    }

    public async Task DemandAsync(AssociationInfo association, RecordAction action, string? study, CancellationToken ct)
    {
        if (!await AllowAsync(association, action, study, ct))
            throw Refused(association, action, study is null ? "" : " of this study");
    }

    /// <summary>
    /// The patients a C-FIND, C-MOVE or C-GET of this AE may reach (decided and audited as a search); refused with
    /// 0x0124 when none of the account's roles may search imaging at all.
    /// </summary>
    public async Task<PatientReach> DemandReachAsync(AssociationInfo association, RecordAction action, string search, CancellationToken ct)
    {
        var caller = await CallerAsync(association, ct);
        var decision = await policy.SearchReachAsync(caller.Actor, Imaging(action), Purpose.Treatment, search, ct);
        return decision.Allowed ? decision.Reach : throw Refused(association, action, "");
    }

    /// <summary>
    /// Where a C-STORE of this AE goes: new patients into the mapping's clinic (default: the user's only clinic, else
    /// Enamel:Clinic), every touched patient decided by the policy for the AE's account.
    /// </summary>
    public async Task<IngestTarget> StoreTargetAsync(AssociationInfo association, CancellationToken ct)
    {
        var caller = await CallerAsync(association, ct);
        var clinic = caller.Mapping?.Clinic is { Length: > 0 } configured ? configured
            : caller.Actor.Clinics.Count == 1 ? caller.Actor.Clinics.Single() : options.Clinic;
        var actor = caller.Actor;
        return new IngestTarget(clinic)
        {
            Authorize = async (scope, c) => (await policy.DecideAsync(actor, Imaging(RecordAction.Create), scope, Purpose.Treatment, c)).Allowed,
        };
    }

    private static DimseRefusedException Refused(AssociationInfo association, RecordAction action, string what) =>
        new(DimseRefusedException.NotAuthorized,
            $"AE {association.CallingAeTitle.Trim()} may not {action.ToString().ToLowerInvariant()} imaging{what} (see Enamel:DicomAes)");
}
