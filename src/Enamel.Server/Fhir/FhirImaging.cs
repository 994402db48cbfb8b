using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Fhir.Mapping;
using Enamel.Server.Access;
using Enamel.Server.DicomWeb;
using Microsoft.AspNetCore.Http;
using static Enamel.Server.Fhir.FhirEndpoints;
using F = Hl7.Fhir.Model;

namespace Enamel.Server.Fhir;

/// <summary>
/// The archive seen through FHIR: <c>ImagingStudy</c> (read by Study Instance UID, search by <c>patient</c> and
/// <c>_id</c>) built from the study index — series, instances and SOP classes, with the DICOMweb <c>Endpoint</c> a client
/// retrieves the pixels from — and that <c>Endpoint</c>. Decided as Imaging:Read by the gate: a read on the study's
/// patient, a search within the patients the caller reaches.
/// </summary>
internal static class FhirImaging
{
    public const int DefaultCount = 20;
    public const int MaxCount = 100;

    /// <summary>Studies opened for one search at most (its matches are paged from these).</summary>
    private const int MaxMatches = 1000;

    /// <summary>Instances listed per study at most (a CBCT volume has hundreds; more than this is a volume, listed by series).</summary>
    private const int MaxInstances = 20000;

    private static readonly HashSet<string> SearchParameters = ["patient", "subject", "_id", "_count", "_offset", "_format"];

    public static async Task ReadAsync(HttpContext http, string id)
    {
        var index = Service<IStudyIndex>(http);
        var ct = http.RequestAborted;
        var owner = ImagingStudyMapping.IsUid(id) ? await index.FindStudyPatientAsync(id, ct) : null;
        var study = owner is null ? null : await BuildAsync(index, id, owner.PatientKey, ct);
        if (study is null)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status404NotFound, "no such ImagingStudy within your reach");
            return;
        }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, study);
    }

    public static async Task SearchAsync(HttpContext http)
    {
        if (http.GetReach() is not { } reach)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status403Forbidden, "this search has no access decision");
            return;
        }
        var index = Service<IStudyIndex>(http);
        var ct = http.RequestAborted;
        var query = http.Request.Query.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string>(kv.Key, v ?? ""))).ToList();
        int count = DefaultCount, offset = 0;
        long? patient = null;
        string? uid = null;
        foreach (var (name, value) in query)
        {
            if (!SearchParameters.Contains(name))
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"ImagingStudy is searched by patient and _id; '{Clip(name)}' is not matched here", Clip(name));
                return;
            }
            switch (name)
            {
                case "patient" or "subject":
                    var key = value.StartsWith("Patient/", StringComparison.Ordinal) ? value[8..] : value;
                    if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || (patient is not null && patient != k))
                    {
                        await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "patient: one Patient/{id}", name);
                        return;
                    }
                    patient = k;
                    break;
                case "_id":
                    if (!ImagingStudyMapping.IsUid(value))
                    {
                        await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "_id: a Study Instance UID", name);
                        return;
                    }
                    uid = value;
                    break;
                case "_count" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= MaxCount:
                    count = n;
                    break;
                case "_offset" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var o) && o <= MaxMatches:
                    offset = o;
                    break;
                case "_count" or "_offset":
                    await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"_count: 1 to {MaxCount}; _offset: 0 to {MaxMatches}", name);
                    return;
            }
        }
        IReadOnlyList<IReadOnlyDictionary<DicomTag, string>> rows = [];
        if (patient is { } p)
        {
            // One patient: within the caller's reach, or nothing matches (as for a patient that does not exist).
            var owner = await index.FindPatientByKeyAsync(p, ct);
            reach = owner is not null && reach.Reaches(p, owner.Clinic) ? PatientReach.OnePatient(p) : PatientReach.None;
        }
        if (!reach.IsEmpty)
        {
            var filters = new Dictionary<DicomTag, string>();
            if (uid is not null) filters[DicomTags.StudyInstanceUID] = uid;
            rows = await index.SearchAsync(new StudyQuery { Level = QueryLevel.Study, Filters = filters, Limit = MaxMatches, Reach = reach }, ct);
        }
        var matches = new List<F.Resource>();
        foreach (var row in rows.Skip(offset).Take(count))
        {
            var studyUid = row.TryGetValue(DicomTags.StudyInstanceUID, out var s) ? s : "";
            if (await index.FindStudyPatientAsync(studyUid, ct) is { } owner && await BuildAsync(index, studyUid, owner.PatientKey, ct) is { } study)
                matches.Add(study);
        }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK,
            FhirBundles.SearchSet(BaseOf(http), "ImagingStudy", [.. query.Where(q => q.Key is not ("_count" or "_offset" or "_format"))], matches, [], rows.Count, offset, count));
    }

    /// <summary>GET /fhir/Endpoint/dicom-web: where the archive's DICOMweb service is (no patient data).</summary>
    public static async Task EndpointAsync(HttpContext http, string id)
    {
        if (id != ImagingStudyMapping.EndpointId)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status404NotFound, $"the one Endpoint is {ImagingStudyMapping.EndpointId}");
            return;
        }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, ImagingStudyMapping.Endpoint(PublicBase.Of(http)));
    }

    /// <summary>The study with its series and instances as an ImagingStudy, or null when the index holds no such study.</summary>
    private static async Task<F.ImagingStudy?> BuildAsync(IStudyIndex index, string uid, long patientKey, CancellationToken ct)
    {
        var reach = PatientReach.OnePatient(patientKey);
        var filters = new Dictionary<DicomTag, string> { [DicomTags.StudyInstanceUID] = uid };
        var study = await index.SearchAsync(new StudyQuery { Level = QueryLevel.Study, Filters = filters, Limit = 1, Reach = reach }, ct);
        if (study.Count == 0) return null;
        var series = await index.SearchAsync(new StudyQuery { Level = QueryLevel.Series, Filters = filters, Limit = MaxMatches, Reach = reach }, ct);
        var instances = await index.SearchAsync(new StudyQuery { Level = QueryLevel.Instance, Filters = filters, Limit = MaxInstances, Reach = reach }, ct);
        return ImagingStudyMapping.ToFhir(patientKey, study[0], series, instances);
    }
}
