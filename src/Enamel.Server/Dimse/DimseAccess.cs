using Enamel.Core.Access;
using Enamel.Core.Records;
using Enamel.Core.Accounts;
using Enamel.Core.Studies;
using Enamel.Dicom.Network;
using Enamel.Server.Hosting;

namespace Enamel.Server.Dimse;

/// <summary>
/// DIMSE through the one policy decision point: the calling AE title is an Enamel account (Enamel:DicomAes maps AE →
/// user), so an AE may store, query or retrieve exactly what that account's roles allow. An unmapped AE acts with no
/// roles and is denied (deny by default); every decision is audited with the AE and its address as the source.
/// </summary>
internal sealed class DimseAccess(EnamelOptions options, IUserStore users, AccessPolicy policy, RecordOwners owners)
{
    /// <summary>
    /// The record operation each DIMSE service performs, by the handler interface that implements it. C-ECHO touches no
    /// record and is not listed. A DIMSE service added to the listener without a row here fails the endpoint-matrix test.
    /// </summary>
    public static IReadOnlyDictionary<Type, Operation> Operations { get; } = new Dictionary<Type, Operation>
    {
        [typeof(ICStoreHandler)] = new(RecordCategory.Imaging, RecordAction.Create),
        [typeof(ICFindHandler)] = new(RecordCategory.Imaging, RecordAction.Read),
        [typeof(ICMoveHandler)] = new(RecordCategory.Imaging, RecordAction.Read),
        [typeof(ICGetHandler)] = new(RecordCategory.Imaging, RecordAction.Read),
    };

    private sealed record Caller(Actor Actor, DicomAeOptions? Mapping);

    private async Task<Caller> CallerAsync(AssociationInfo association, CancellationToken ct)
    {
        var ae = association.CallingAeTitle.Trim();
        var source = $"AE {ae} from {association.Remote}";
        var mapping = options.DicomAes.FirstOrDefault(m => string.Equals(m.AeTitle, ae, StringComparison.Ordinal));
        if (mapping is not null && await users.FindByNameAsync(mapping.User, ct) is { Disabled: false } user)
            return new(user.ToActor(source), mapping);
        return new(new Actor($"ae:{ae}", ae, [], new HashSet<string>()) { Source = source }, null);
    }

    private static Operation Of<THandler>() => Operations[typeof(THandler)];

    private async Task<bool> AllowAsync(AssociationInfo association, Operation operation, string? study, CancellationToken ct)
    {
        var caller = await CallerAsync(association, ct);
        // A known study is decided for its patient (the owner resolver of its kind); an unknown one, or none, for the clinic.
        if (study is not null && await owners.ResolveAsync(RecordKind.Study, study, ct) is { } owner)
            return (await policy.DecideAsync(caller.Actor, operation, owner, Purpose.Treatment, ct)).Allowed;
        var scope = ResourceScope.ForClinic(options.Clinic, study is null ? "dimse" : $"study {study}");
        return (await policy.DecideAsync(caller.Actor, operation, scope, Purpose.Treatment, ct)).Allowed;
    }

    /// <summary>Decides the service <typeparamref name="THandler"/> for one study; refused with 0x0124.</summary>
    public async Task DemandAsync<THandler>(AssociationInfo association, string? study, CancellationToken ct)
    {
        if (!await AllowAsync(association, Of<THandler>(), study, ct))
            throw Refused(association, Of<THandler>(), study is null ? "" : " of this study");
    }

    /// <summary>
    /// The patients a C-FIND, C-MOVE or C-GET of this AE may reach (decided and audited as a search); refused with
    /// 0x0124 when none of the account's roles may search imaging at all.
    /// </summary>
    public async Task<PatientReach> DemandReachAsync<THandler>(AssociationInfo association, string search, CancellationToken ct)
    {
        var caller = await CallerAsync(association, ct);
        var decision = await policy.SearchReachAsync(caller.Actor, Of<THandler>(), Purpose.Treatment, search, ct);
        return decision.Allowed ? decision.Reach : throw Refused(association, Of<THandler>(), "");
    }

    /// <summary>
    /// Where a C-STORE of this AE goes: new patients into the mapping's clinic (default: the user's only clinic, else
    /// Enamel:Clinic), every touched patient decided by the policy for the AE's account.
    /// </summary>
    public async Task<IngestTarget> StoreTargetAsync(AssociationInfo association, CancellationToken ct)
    {
        var caller = await CallerAsync(association, ct);
        var clinic = caller.Mapping?.Clinic is { Length: > 0 } configured ? configured : caller.Actor.OnlyClinicOr(options.Clinic);
        return IngestTarget.For(policy, caller.Actor, Of<ICStoreHandler>(), Purpose.Treatment, clinic) with { Reason = IngestTarget.ReceivedVia("C-STORE") };
    }

    private static DimseRefusedException Refused(AssociationInfo association, Operation operation, string what) =>
        new(DimseRefusedException.NotAuthorized,
            $"AE {association.CallingAeTitle.Trim()} may not {operation.Action.ToString().ToLowerInvariant()} {operation.Category.ToString().ToLowerInvariant()}{what} (see Enamel:DicomAes)");
}
