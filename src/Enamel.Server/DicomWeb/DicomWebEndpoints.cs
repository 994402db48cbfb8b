using Enamel.Core.Access;
using Enamel.Core.Records;
using Enamel.Server.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Enamel.Server.DicomWeb;

/// <summary>DICOMweb (PS3.18) under /dicom-web: STOW-RS, QIDO-RS, WADO-RS; WADO-URI at /wado.</summary>
public static class DicomWebEndpoints
{
    public const string Prefix = "/dicom-web";

    private static readonly OperationEndpoint Store = new(new(RecordCategory.Imaging, RecordAction.Create)) { Scope = EndpointScope.EachInstance };
    private static readonly OperationEndpoint Search = new(new(RecordCategory.Imaging, RecordAction.Read)) { Scope = EndpointScope.Search };
    private static readonly OperationEndpoint Read = new(new(RecordCategory.Imaging, RecordAction.Read));

    public static IEndpointRouteBuilder MapDicomWeb(this IEndpointRouteBuilder app)
    {
        // Every DICOMweb and WADO-URI request passes the one policy decision point (Access/RequestAccess.cs, AccessGate):
        // STOW creates imaging records (decided per instance for its patient), QIDO searches within the caller's reach,
        // everything else reads the item it names (the most specific of study, series, instance), decided for that item's
        // patient through the owner resolver of its kind.
        var g = app.MapGroup(Prefix);
        g.MapPost("/studies", StowRs.StoreAsync).Requires(Store);
        g.MapPost("/studies/{study}", StowRs.StoreAsync).Requires(Store);

        g.MapGet("/studies", QidoRs.StudiesAsync).Requires(Search);
        g.MapGet("/series", QidoRs.SeriesAsync).Requires(Search);
        g.MapGet("/studies/{study}/series", QidoRs.SeriesAsync).Requires(Search).Item(RecordKind.Study, "study");
        g.MapGet("/instances", QidoRs.InstancesAsync).Requires(Search);
        g.MapGet("/studies/{study}/instances", QidoRs.InstancesAsync).Requires(Search).Item(RecordKind.Study, "study");
        g.MapGet("/studies/{study}/series/{series}/instances", QidoRs.InstancesAsync).Requires(Search).Item(RecordKind.Series, "series");

        g.MapGet("/studies/{study}", WadoRs.StudyAsync).Requires(Read).Item(RecordKind.Study, "study");
        g.MapGet("/studies/{study}/series/{series}", WadoRs.SeriesAsync).Requires(Read).Item(RecordKind.Series, "series");
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}", WadoRs.InstanceAsync).Requires(Read).Item(RecordKind.Instance, "instance");
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}", WadoRs.FramesAsync).Requires(Read).Item(RecordKind.Instance, "instance");
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/rendered", RenderedRs.InstanceAsync).Requires(Read).Item(RecordKind.Instance, "instance");
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frame:int}/rendered", RenderedRs.FrameAsync).Requires(Read).Item(RecordKind.Instance, "instance");
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/thumbnail", RenderedRs.InstanceThumbnailAsync).Requires(Read).Item(RecordKind.Instance, "instance");
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frame:int}/thumbnail", RenderedRs.FrameThumbnailAsync).Requires(Read).Item(RecordKind.Instance, "instance");
        g.MapGet("/studies/{study}/series/{series}/rendered", RenderedRs.SeriesAsync).Requires(Read).Item(RecordKind.Series, "series");
        g.MapGet("/studies/{study}/rendered", RenderedRs.StudyAsync).Requires(Read).Item(RecordKind.Study, "study");
        g.MapGet("/studies/{study}/series/{series}/thumbnail", RenderedRs.SeriesThumbnailAsync).Requires(Read).Item(RecordKind.Series, "series");
        g.MapGet("/studies/{study}/thumbnail", RenderedRs.StudyThumbnailAsync).Requires(Read).Item(RecordKind.Study, "study");
        g.MapGet("/studies/{study}/metadata", MetadataRs.StudyAsync).Requires(Read).Item(RecordKind.Study, "study");
        g.MapGet("/studies/{study}/series/{series}/metadata", MetadataRs.SeriesAsync).Requires(Read).Item(RecordKind.Series, "series");
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/metadata", MetadataRs.InstanceAsync).Requires(Read).Item(RecordKind.Instance, "instance");
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/bulkdata/{**path}", MetadataRs.BulkDataAsync).Requires(Read).Item(RecordKind.Instance, "instance");
        app.MapGet("/wado", WadoUri.GetAsync).Requires(RecordCategory.Imaging, RecordAction.Read).ItemFromQuery(RecordKind.Instance, "objectUID");
        return app;
    }
}
