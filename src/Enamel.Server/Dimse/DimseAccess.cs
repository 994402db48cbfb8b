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

    public Task<bool> AllowAsync<THandler>(AssociationInfo association, string? study, CancellationToken ct) =>
        AllowAsync(association, Operations[typeof(THandler)], study, ct);

    public Task DemandAsync<THandler>(AssociationInfo association, string? study, CancellationToken ct) =>
        DemandAsync(association, Operations[typeof(THandler)], study, ct);

    private async Task<bool> AllowAsync(AssociationInfo association, Operation operation, string? study, CancellationToken ct)
    {
        var ae = association.CallingAeTitle.Trim();
        var source = $"AE {ae} from {association.Remote}";
        Actor actor = new($"ae:{ae}", ae, [], new HashSet<string>()) { Source = source };
        var mapping = options.DicomAes.FirstOrDefault(m => string.Equals(m.AeTitle, ae, StringComparison.Ordinal));
        if (mapping is not null && await folder.Security.Users.FindByNameAsync(mapping.User, ct) is { Disabled: false } user)
            actor = user.ToActor(source);
        long? patient = study is null ? null : await index.FindStudyPatientKeyAsync(study, ct);
        var scope = new ResourceScope(patient, options.Clinic) { Object = study is null ? "dimse" : $"study {study}" };
        return (await policy.DecideAsync(actor, operation, scope, Purpose.Treatment, ct)).Allowed;
    }

    private async Task DemandAsync(AssociationInfo association, Operation operation, string? study, CancellationToken ct)
    {
        if (!await AllowAsync(association, operation, study, ct))
            throw new DimseRefusedException(DimseRefusedException.NotAuthorized,
                $"AE {association.CallingAeTitle.Trim()} may not {operation.Action.ToString().ToLowerInvariant()} {operation.Category.ToString().ToLowerInvariant()}{(study is null ? "" : " of this study")} (see Enamel:DicomAes)");
    }
}
