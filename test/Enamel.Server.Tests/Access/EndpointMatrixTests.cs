using System.Net;
using System.Net.Http.Headers;
using Enamel.Core.Access;
using Enamel.Core.Records;
using Enamel.Dicom;
using Enamel.Dicom.Network;
using Enamel.Server.Access;
using Enamel.Server.Dimse;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Enamel.Server.Tests.Access;

/// <summary>
/// The role × permission × endpoint matrix, generated from the policy table (<see cref="RoleTable"/>) and from what the
/// server actually maps: every HTTP endpoint and every DIMSE service is asked by every built-in role, and the answer
/// must be the one the table gives. An endpoint or DIMSE service added without an access policy fails here.
/// </summary>
public class EndpointMatrixTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>
    /// Paths that may be public (no authentication). Anything patient-related must never be in this list. /metrics carries
    /// no patient data and answers only loopback and Enamel:Metrics:AllowedNetworks (OperationsEndpoints).
    /// </summary>
    private static readonly string[] PublicPaths = ["/health", "/signin", "/static", "/metrics", "/language", "/", "/fhir/metadata"];

    private const string CtStudy = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";

    public static TheoryData<string> BuiltInRoles => [.. RoleTable.BuiltIn.Keys];

    private IReadOnlyList<RouteEndpoint> Endpoints() =>
        [.. server.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()];

    private static string Pattern(RouteEndpoint e) => "/" + e.RoutePattern.RawText!.TrimStart('/');

    [Fact]
    public void EveryEndpoint_DeclaresExactlyOneAccessPolicy_AndOnlyHarmlessOnesArePublic()
    {
        var endpoints = Endpoints();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found: the matrix would prove nothing");
        foreach (var e in endpoints)
        {
            var markers = e.Metadata.OfType<EndpointAccess>().ToList();
            Assert.True(markers.Count == 1, $"{Pattern(e)} has {markers.Count} access markers: give it exactly one (.Public(), .SignedIn() or .Requires(category, action))");
            if (markers[0] is PublicEndpoint)
                Assert.True(PublicPaths.Any(p => Pattern(e) == p || (p != "/" && Pattern(e).StartsWith(p + "/", StringComparison.Ordinal))),
                    $"{Pattern(e)} is public but not on the list of paths that may be");
        }
    }

    [Fact]
    public async Task AnEndpointWithoutAPolicy_IsRefused()
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddSingleton(NullLoggerFactory.Instance).AddLogging().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        http.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(), "unguarded"));
        bool reached = false;
        await AccessGate.InvokeAsync(http, () => { reached = true; return Task.CompletedTask; });
        Assert.False(reached);
        Assert.Equal(StatusCodes.Status403Forbidden, http.Response.StatusCode);
    }

    [Fact]
    public void EveryNamedItem_HasAResolver_AndAKindWithoutOne_FailsTheStartCheck()
    {
        var endpoints = Endpoints();
        var owners = server.Services.GetRequiredService<RecordOwners>();
        AccessGate.CheckItems(endpoints, owners); // the server's own endpoints pass (it started)
        var named = endpoints.Select(e => e.Metadata.GetMetadata<EndpointAccess>()).OfType<OperationEndpoint>().Where(o => o.Item is not null).Select(o => o.Item!.Kind).ToHashSet();
        Assert.Equal(RecordKind.All.ToHashSet(), named); // every kind is named by some endpoint, so each resolver is exercised by the matrix

        // Without the series resolver, every endpoint naming a series is reported at start.
        var withoutSeries = new RecordOwners(RecordKind.All.Where(k => k != RecordKind.Series).Select(owners.ResolverOf));
        var error = Assert.Throws<InvalidOperationException>(() => AccessGate.CheckItems(endpoints, withoutSeries));
        Assert.Contains("/dicom-web/studies/{study}/series/{series}/metadata", error.Message, StringComparison.Ordinal);
        Assert.Contains("kind 'series'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{instance}/metadata", error.Message, StringComparison.Ordinal);

        // A route value the route does not have is reported too.
        var builder = new RouteEndpointBuilder(_ => Task.CompletedTask, Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse("/x/{study}"), 0) { DisplayName = "/x/{study}" };
        builder.Metadata.Add(new OperationEndpoint(new Operation(RecordCategory.Imaging, RecordAction.Read)) { Item = new ItemName(RecordKind.Study, "stdy") });
        error = Assert.Throws<InvalidOperationException>(() => AccessGate.CheckItems([builder.Build()], owners));
        Assert.Contains("route value 'stdy'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryGuardedEndpoint_WithoutCredentials_Is401()
    {
        using var anonymous = server.AnonymousClient();
        foreach (var (method, path, _) in await GuardedRequestsAsync())
        {
            var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} without credentials");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    /// <summary>
    /// Each role, with a token scoped to every operation (so only the role decides), asks every record endpoint about a
    /// study of a patient of its own clinic. Allowed exactly when the role table grants the operation and the role reaches
    /// that patient (clinic staff do; a patient or external recipient not bound to this record does not).
    /// </summary>
    [Theory]
    [MemberData(nameof(BuiltInRoles))]
    public async Task EveryRecordEndpoint_AnswersEachRole_AsTheRoleTableSays(string roleName)
    {
        await StoreCtAsync();
        var role = RoleTable.BuiltIn[roleName];
        var token = await server.CreateTokenAsync(roleName, $"matrix-{roleName}-{Guid.NewGuid():N}"[..30], [.. Operation.All.Select(o => o.ToString())]);
        using var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        int checkedCount = 0;
        foreach (var (method, path, access) in await GuardedRequestsAsync())
        {
            // FHIR routes have their own sweep (EveryFhirEndpoint_…): several are decided by the verb on the entry's category.
            if (access is not OperationEndpoint op || path.StartsWith("/fhir/", StringComparison.Ordinal)) continue;
            var response = await client.SendAsync(Request(method, path));
            // STOW decides each stored instance for its own patient (EndpointScope.EachInstance): the gate asks only whether
            // the role may store at all, as it does for a search that names no patient.
            // Every item an endpoint names is filled with one of the CT patient's (study, series, instance, patient key).
            bool namesPatient = op.Scope != EndpointScope.EachInstance && op.Item is not null;
            bool expected = Expected(role, op.Operation, namesPatient, search: op.Scope != EndpointScope.Item);
            var status = (int)response.StatusCode;
            // A role that may do this, but not to this patient, is answered as if the record did not exist (404, or an empty search).
            bool hidden = !expected && namesPatient && role.Permits(op.Operation) && (role.Reach is RoleReach.OwnRecord or RoleReach.SharedRecords);
            Assert.True(expected ? status is not (401 or 403) : hidden ? status is 404 or 204 : status == 403,
                $"{roleName} {method} {path} ({op.Operation}) answered {status}; the role table says {(expected ? "allow" : hidden ? "not found" : "deny")}");
            checkedCount++;
        }
        Assert.True(checkedCount >= 20, $"only {checkedCount} record endpoints checked");
    }

    /// <summary>
    /// The role × resource × interaction sweep of FHIR: every /fhir route, asked by each role about the CT patient's entry
    /// of that resource type (a Procedure: the dental procedure; ServiceRequest and Task: the lab case; Provenance: the
    /// condition's), with a real resource for writes. The answer must be what the role table says for the category of
    /// that entry (searches: any category the type holds that the role reads); a role that may act but not on this
    /// patient is answered as if the record did not exist.
    /// </summary>
    [Theory]
    [MemberData(nameof(BuiltInRoles))]
    public async Task EveryFhirEndpoint_AnswersEachRole_AsTheRoleTableSays(string roleName)
    {
        var role = RoleTable.BuiltIn[roleName];
        var token = await server.CreateTokenAsync(roleName, $"fmatrix-{roleName}-{Guid.NewGuid():N}"[..30], [.. Operation.All.Select(o => o.ToString())]);
        using var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var requests = await GuardedRequestsAsync();
        var store = server.Services.GetRequiredService<IRecordEntryStore>();
        int checkedCount = 0;
        foreach (var (method, path, access) in requests)
        {
            if (access is not OperationEndpoint op || !path.StartsWith("/fhir/", StringComparison.Ordinal)) continue;
            var segments = path.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
            var type = segments.Length > 1 ? segments[1] : ""; // POST /fhir: a batch, gated as reaching patients' records
            var route = Enamel.Server.Fhir.FhirEndpoints.Routes.FirstOrDefault(r => r.Type == type);
            var action = method == "PUT" ? RecordAction.Amend : method == "POST" ? RecordAction.Create : RecordAction.Read;
            bool expected, hidden = false;
            var request = Request(method, path);
            var typeHistory = route is not null && segments is [_, _, "_history"];
            if (route is not null && !typeHistory && !path.Contains('$', StringComparison.Ordinal) && (segments.Length >= 3 || method == "POST"))
            {
                // An instance (or a create for the CT patient): decided on the entry's own category and patient.
                var kind = FhirKind(type);
                var operation = new Operation(RecordEntries.CategoryOf(kind), action);
                expected = Expected(role, operation, namesPatient: true, search: false);
                hidden = !expected && role.Permits(operation) && role.Reach is RoleReach.OwnRecord or RoleReach.SharedRecords;
                if (method is "PUT" or "POST")
                {
                    var entry = (await store.GetAsync(kind, fhirEntries[kind], default))!;
                    var resource = route.IsTask ? (Hl7.Fhir.Model.Resource)Enamel.Fhir.Mapping.EntryMapping.ToTask(entry) : Enamel.Fhir.Mapping.EntryMapping.ToResource(entry);
                    if (method == "POST") { resource.Id = null; resource.Meta = null; }
                    else request.Headers.TryAddWithoutValidation("If-Match", $"W/\"{entry.Version}\"");
                    request.Content = new StringContent(Enamel.Fhir.FhirFormat.ToJson(resource), System.Text.Encoding.UTF8, "application/fhir+json");
                }
            }
            else if (type == "Provenance" && segments.Length == 3)
            {
                var operation = new Operation(RecordCategory.MedicalHistory, RecordAction.Read);
                expected = Expected(role, operation, namesPatient: true, search: false);
                hidden = !expected && role.Permits(operation) && role.Reach is RoleReach.OwnRecord or RoleReach.SharedRecords;
            }
            else if (route is not null && method == "GET" && (segments.Length == 2 || typeHistory))
                // A search (or a type's history): refused only when the role reads none of the type's categories (or reaches no patient).
                expected = route.Kinds.Any(k => Expected(role, new Operation(RecordEntries.CategoryOf(k), RecordAction.Read), namesPatient: false, search: true));
            else
            {
                // Patient routes, $everything, $document, Provenance search: decided by the gate as marked.
                bool namesPatient = op.Item is not null;
                expected = Expected(role, op.Operation, namesPatient, search: op.Scope != EndpointScope.Item);
                hidden = !expected && namesPatient && role.Permits(op.Operation) && role.Reach is RoleReach.OwnRecord or RoleReach.SharedRecords;
            }
            var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            // A create naming a patient the role does not reach: the subject is refused (422), as if the patient did not exist.
            bool ok = expected ? status is not (401 or 403 or 404) : hidden ? status is 404 || (method == "POST" && status == 422) : status == 403;
            Assert.True(ok, $"{roleName} {method} {path} answered {status}; the role table says {(expected ? "allow" : hidden ? "not found" : "deny")}: {await response.Content.ReadAsStringAsync()}");
            if (status is >= 400 and not 405) Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
            checkedCount++;
        }
        Assert.True(checkedCount >= 40, $"only {checkedCount} FHIR endpoints checked");
    }

    /// <summary>The entry kind a FHIR type's routes are filled with (Procedure: the dental procedure; ServiceRequest, Task: the lab case).</summary>
    private static RecordKind FhirKind(string type) =>
        type == "Procedure" ? RecordKind.Procedure : type is "ServiceRequest" or "Task" ? RecordKind.LabCase : Enamel.Fhir.Mapping.EntryMapping.KindsOf(type)[0];

    private IReadOnlyDictionary<RecordKind, string> fhirEntries = new Dictionary<RecordKind, string>();

    /// <summary>The same matrix on DIMSE: the calling AE acts as an account of the role (ServerFixture.RoleAe).</summary>
    [Theory]
    [MemberData(nameof(BuiltInRoles))]
    public async Task EveryDimseService_AnswersEachRole_AsTheRoleTableSays(string roleName)
    {
        await StoreCtAsync();
        var role = RoleTable.BuiltIn[roleName];
        var ae = ServerFixture.RoleAe(roleName);
        var client = new DicomClientOptions { Port = server.DicomPort, CalledAeTitle = "ENAMEL", CallingAeTitle = ae, TempDirectory = Path.Combine(server.DataDirectory, "..", "scu-" + Guid.NewGuid().ToString("N")) };
        var ct = Part10Source.Read(ServerFixture.Sample("CT_small.dcm"));
        var studyRoot = new[] { DicomUids.StudyRootQueryRetrieveInformationModelFind.Value, DicomUids.StudyRootQueryRetrieveInformationModelMove.Value, DicomUids.StudyRootQueryRetrieveInformationModelGet.Value };
        var rq = DicomClient.ProposeStorage([ct]);
        foreach (var c in studyRoot) rq.AddContext(c, DicomClient.NativeSyntaxes);
        rq.UserInformation.RoleSelections.Add(new RoleSelection(ct.SopClassUid, ScuRole: true, ScpRole: true));
        await using var association = await DicomClient.ConnectAsync(client, rq);

        var seen = new HashSet<Type>();
        // C-STORE
        seen.Add(typeof(ICStoreHandler));
        var store = await association.StoreAsync(ct);
        // The CT patient exists: a store is decided for that patient's record.
        AssertDimse(role, typeof(ICStoreHandler), namesPatient: true, search: false, store == DimseRefusedException.NotAuthorized, $"C-STORE status 0x{store:X4}");

        // C-FIND at study level for the stored study
        seen.Add(typeof(ICFindHandler));
        var identifier = new DicomDataset();
        identifier.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, "STUDY");
        identifier.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, CtStudy);
        var find = new List<DimseResponse>();
        await foreach (var r in association.FindAsync(studyRoot[0], identifier)) find.Add(r);
        // A search: refused only when the role may not search at all; the CT study is among the matches only when the role reaches its patient.
        AssertDimse(role, typeof(ICFindHandler), namesPatient: false, search: true, find[^1].Status == DimseRefusedException.NotAuthorized, $"C-FIND final 0x{find[^1].Status:X4}");
        Assert.Equal(Expected(role, DimseAccess.Operations[typeof(ICFindHandler)], namesPatient: true, search: false) ? 1 : 0, find.Count(r => r.IsPending));

        // C-MOVE to the configured destination (nobody listens there: an allowed move fails its sub-operations, a denied one is refused)
        seen.Add(typeof(ICMoveHandler));
        var move = new List<DimseResponse>();
        await foreach (var r in association.MoveAsync(studyRoot[1], "MOVEDEST", identifier)) move.Add(r);
        AssertDimse(role, typeof(ICMoveHandler), namesPatient: false, search: true, move[^1].Status == DimseRefusedException.NotAuthorized, $"C-MOVE final 0x{move[^1].Status:X4}");

        // C-GET back on this association
        seen.Add(typeof(ICGetHandler));
        int received = 0;
        var get = new List<DimseResponse>();
        await foreach (var r in association.GetAsync(studyRoot[2], identifier, s => { received++; return ValueTask.FromResult(DimseStatus.Success); })) get.Add(r);
        bool getRefused = get[^1].Status == DimseRefusedException.NotAuthorized;
        AssertDimse(role, typeof(ICGetHandler), namesPatient: false, search: true, getRefused, $"C-GET final 0x{get[^1].Status:X4}");
        Assert.Equal(Expected(role, DimseAccess.Operations[typeof(ICGetHandler)], namesPatient: true, search: false) ? 1 : 0, received);
        await association.ReleaseAsync();

        // Every DIMSE service the archive's listener offers has a row in the operation table, and this test asked it.
        var offered = typeof(DicomListenerOptions).GetProperties().Select(p => p.PropertyType).Where(t => t.IsInterface && t.Name.EndsWith("Handler", StringComparison.Ordinal)).ToHashSet();
        Assert.NotEmpty(offered);
        foreach (var service in offered)
        {
            Assert.True(DimseAccess.Operations.ContainsKey(service), $"DIMSE service {service.Name} has no operation in DimseAccess.Operations");
            Assert.Contains(service, seen);
        }
    }

    private static void AssertDimse(Role role, Type service, bool namesPatient, bool search, bool refused, string what)
    {
        var operation = DimseAccess.Operations[service];
        bool expected = Expected(role, operation, namesPatient, search);
        Assert.True(expected != refused, $"{role.Name} {service.Name} ({operation}): {what}; the role table says {(expected ? "allow" : "deny")}");
    }

    /// <summary>
    /// What the policy table says for a request by an account of this role (clinic "main", bound to no patient) about a
    /// patient of clinic "main" (<paramref name="namesPatient"/>), about the clinic itself, or — a
    /// <paramref name="search"/> naming no patient — about whatever the role reaches (any patient-reaching role may
    /// search; the results are filtered to its reach).
    /// </summary>
    private static bool Expected(Role role, Operation operation, bool namesPatient, bool search) => role.Permits(operation) && (search && !namesPatient
        ? role.Reach != RoleReach.ClinicOnly
        : role.Reach switch
        {
            RoleReach.ClinicPatients => true,
            RoleReach.ClinicOnly => !namesPatient,
            _ => false, // own record / shared records: this patient is neither
        });

    private async Task StoreCtAsync()
    {
        var response = await server.StowAsync(ServerFixture.Sample("CT_small.dcm"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            // A well-formed but empty STOW body: allowed requests get past the gate and fail validation (not 401/403).
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/related; type=\"application/dicom\"; boundary=x");
        }
        return request;
    }

    /// <summary>Every mapped method and route that is not public, with route values filled from the stored CT study.</summary>
    private async Task<List<(string Method, string Path, EndpointAccess? Access)>> GuardedRequestsAsync()
    {
        await StoreCtAsync();
        var patientKey = (await server.Folder.Index.FindStudyPatientAsync(CtStudy, default))?.PatientKey;
        using var ct = DicomFile.Open(ServerFixture.Sample("CT_small.dcm"));
        var series = ct.Dataset.GetString(DicomTags.SeriesInstanceUID)!;
        var instance = ct.Dataset.GetString(DicomTags.SOPInstanceUID)!;
        // One clinical record entry of every kind for the CT patient: the entry routes (/api/entries/KIND/{id}/…) name them.
        var entries = await Records.EntrySamples.StoreAllAsync(server.Services, patientKey!.Value);
        fhirEntries = entries;
        var list = new List<(string, string, EndpointAccess?)>();
        foreach (var e in Endpoints())
        {
            var access = e.Metadata.GetMetadata<EndpointAccess>();
            if (access is PublicEndpoint) continue;
            var pattern = Pattern(e);
            // The record routes (/api/records/KIND/{id}/…) name an item of their kind by {id}.
            string id = pattern.StartsWith("/api/records/study/", StringComparison.Ordinal) ? CtStudy
                : pattern.StartsWith("/api/records/series/", StringComparison.Ordinal) ? series
                : pattern.StartsWith("/api/records/instance/", StringComparison.Ordinal) ? instance
                : pattern.StartsWith("/api/records/patient/", StringComparison.Ordinal) ? patientKey!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : pattern.StartsWith("/fhir/Provenance/", StringComparison.Ordinal) ? $"condition-{entries[RecordKind.Condition]}-v1"
                : pattern.StartsWith("/fhir/ImagingStudy/", StringComparison.Ordinal) ? CtStudy
                : pattern.StartsWith("/fhir/Endpoint/", StringComparison.Ordinal) ? "dicom-web"
                : pattern.StartsWith("/fhir/", StringComparison.Ordinal) && pattern.Count(c => c == '/') >= 3 && !pattern.Contains("**", StringComparison.Ordinal)
                    && !pattern.StartsWith("/fhir/Patient/", StringComparison.Ordinal) ? entries[FhirKind(pattern.Split('/')[2])]
                : entries.FirstOrDefault(e => pattern.StartsWith($"/api/entries/{e.Key.Name}/", StringComparison.Ordinal)
                    || pattern.StartsWith($"/patients/{{patient:long}}/chart/{e.Key.Name}/", StringComparison.Ordinal)).Value ?? "0000"; // the chart pages (Features/Chart) too
            var path = pattern.Replace("{study}", CtStudy).Replace("{series}", series).Replace("{instance}", instance).Replace("{frames}", "1")
                .Replace("{frame:int}", "1").Replace("{**path}", "7FE00010").Replace("{id}", id).Replace("{sop}", instance).Replace("{vid}", "1").Replace("{id:long}", patientKey!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Replace("{patient:long}", patientKey!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.DoesNotContain("{", path);
            if (path == "/wado") path += $"?requestType=WADO&studyUID={CtStudy}&seriesUID={series}&objectUID={instance}&contentType=application%2Fdicom";
            if (path == "/viewer") path += $"?study={CtStudy}&series={series}&instance={instance}";
            foreach (var method in e.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods)) list.Add((method, path, access));
        }
        return list;
    }
}
