using System.Runtime.CompilerServices;
using Enamel.Core.Access;
using Enamel.Core.Blobs;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Dicom.Network;

namespace Enamel.Server.Dimse;

/// <summary>
/// C-FIND (patient root and study root, every level), C-MOVE to configured AEs and C-GET over the archive's index;
/// retrieved objects are streamed from the encrypted store, never copied out in plaintext. Every search and every
/// retrieve is restricted to the patients the calling AE's account reaches; a retrieve then decides each study.
/// </summary>
internal sealed class ArchiveQueryHandler(IStudyIndex index, IBlobStore blobs, IReadOnlyDictionary<string, DicomPeer> peers, DimseAccess access)
    : ICFindHandler, ICMoveHandler, ICGetHandler
{
    private const string PatientRootFind = "1.2.840.10008.5.1.4.1.2.1.1";
    private const int MaxMatches = 10_000;

    public async IAsyncEnumerable<DicomDataset> FindAsync(CFindRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var level = ParseLevel(request.Level, request.SopClassUid == PatientRootFind);
        var reach = await access.DemandReachAsync<ICFindHandler>(request.Association, $"c-find {request.Level.Trim()}", ct);
        var identifier = request.Identifier;
        var filters = new Dictionary<DicomTag, string>();
        foreach (var e in identifier)
        {
            if (e.Tag == DicomTags.QueryRetrieveLevel || e.Tag == DicomTags.SpecificCharacterSet || e is not DicomValueElement) continue;
            var value = identifier.GetString(e.Tag) ?? "";
            if (value.Length == 0) continue;
            if (IndexedAttributes.Find(e.Tag) is { } column && column.Level <= level) filters[e.Tag] = value;
            else if (e.Tag == DicomTags.ModalitiesInStudy && level == QueryLevel.Study) filters[e.Tag] = value;
            // Keys we do not index are returned empty (universal matching), as PS3.4 C.2.2.1 allows for optional keys.
        }
        var rows = await index.SearchAsync(new StudyQuery { Level = level, Filters = filters, Limit = MaxMatches, Reach = reach }, ct);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            var response = new DicomDataset();
            response.SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
            response.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, request.Level.Trim());
            foreach (var e in identifier)
            {
                if (e.Tag == DicomTags.QueryRetrieveLevel || e.Tag == DicomTags.SpecificCharacterSet) continue;
                if (row.TryGetValue(e.Tag, out var value))
                    response.SetString(e.Tag, DicomDictionary.DefaultVR(e.Tag), value.Split('\\'));
                else if (e is DicomValueElement)
                    response.SetValue(e.Tag, e.VR, DicomValue.Empty);
            }
            // Unique keys of this level and above are always returned (PS3.4 C.4.1.1.3.2).
            foreach (var key in UniqueKeys(level))
                if (row.TryGetValue(key, out var v) && !response.Contains(key)) response.SetString(key, DicomDictionary.DefaultVR(key), v);
            yield return response;
        }
    }

    public ValueTask<DicomPeer?> ResolveDestinationAsync(string aeTitle, CancellationToken ct) =>
        ValueTask.FromResult(peers.TryGetValue(aeTitle.Trim(), out var p) ? p : null);

    public async ValueTask<IReadOnlyList<DicomObjectSource>> GetSourcesAsync(RetrieveRequest request, CancellationToken ct)
    {
        var id = request.Identifier;
        var studies = Uids(id, DicomTags.StudyInstanceUID);
        var series = Uids(id, DicomTags.SeriesInstanceUID);
        var sops = Uids(id, DicomTags.SOPInstanceUID);
        // Only studies of patients the AE's account reaches are resolved, whichever key names them.
        var reach = request.MoveDestination is null
            ? await access.DemandReachAsync<ICGetHandler>(request.Association, "c-get", ct)
            : await access.DemandReachAsync<ICMoveHandler>(request.Association, "c-move", ct);
        async Task<string[]> StudiesAsync(QueryLevel level, DicomTag key, string value) =>
            [.. (await index.SearchAsync(new StudyQuery { Level = level, Filters = new Dictionary<DicomTag, string> { [key] = value }, Limit = MaxMatches, Reach = reach }, ct))
                .Select(r => r[DicomTags.StudyInstanceUID]).Distinct()];
        if (studies.Length > 0)
            studies = await StudiesAsync(QueryLevel.Study, DicomTags.StudyInstanceUID, string.Join('\\', studies));
        else
        {
            if (id.GetString(DicomTags.PatientID) is { Length: > 0 } patientId)
                studies = await StudiesAsync(QueryLevel.Study, DicomTags.PatientID, patientId);
            // Relational retrieve (PS3.4 C.4.2.2.1.3): find the studies of the given series or instances.
            if (studies.Length == 0 && sops.Length > 0)
                studies = await StudiesAsync(QueryLevel.Instance, DicomTags.SOPInstanceUID, string.Join('\\', sops));
            else if (studies.Length == 0 && series.Length > 0)
                studies = await StudiesAsync(QueryLevel.Series, DicomTags.SeriesInstanceUID, string.Join('\\', series));
        }
        var result = new List<DicomObjectSource>();
        foreach (var study in studies)
        {
            if (request.MoveDestination is null) await access.DemandAsync<ICGetHandler>(request.Association, study, ct);
            else await access.DemandAsync<ICMoveHandler>(request.Association, study, ct);
            foreach (var instance in await index.ListInstancesAsync(study, null, null, ct))
            {
                if (series.Length > 0 && !series.Contains(instance.SeriesInstanceUid)) continue;
                if (sops.Length > 0 && !sops.Contains(instance.SopInstanceUid)) continue;
                result.Add(RetrieveSource.For(blobs, instance.Blob.Id, instance.SopInstanceUid));
            }
        }
        return result;
    }

    private static string[] Uids(DicomDataset id, DicomTag tag) =>
        (id.GetString(tag) ?? "").Split('\\', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static QueryLevel ParseLevel(string level, bool patientRoot) => level.Trim() switch
    {
        "PATIENT" when patientRoot => QueryLevel.Patient,
        "STUDY" => QueryLevel.Study,
        "SERIES" => QueryLevel.Series,
        "IMAGE" => QueryLevel.Instance,
        var other => throw new InvalidQueryException($"Query/Retrieve Level '{other}' is not valid for this information model"),
    };

    private static IEnumerable<DicomTag> UniqueKeys(QueryLevel level)
    {
        yield return DicomTags.PatientID;
        if (level >= QueryLevel.Study) yield return DicomTags.StudyInstanceUID;
        if (level >= QueryLevel.Series) yield return DicomTags.SeriesInstanceUID;
        if (level >= QueryLevel.Instance) yield return DicomTags.SOPInstanceUID;
    }
}
