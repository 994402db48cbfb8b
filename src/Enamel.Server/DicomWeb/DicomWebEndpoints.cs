using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Enamel.Server.DicomWeb;

/// <summary>DICOMweb (PS3.18) under /dicom-web: STOW-RS, QIDO-RS, WADO-RS; WADO-URI at /wado.</summary>
public static class DicomWebEndpoints
{
    public const string Prefix = "/dicom-web";

    public static IEndpointRouteBuilder MapDicomWeb(this IEndpointRouteBuilder app)
    {
        // Every DICOMweb and WADO-URI request passes the one policy decision point (Access/RequestAccess.cs).
        var g = app.MapGroup(Prefix).AddEndpointFilter(Access.RequestAccess.FilterAsync);
        g.MapPost("/studies", StowRs.StoreAsync);
        g.MapPost("/studies/{study}", StowRs.StoreAsync);

        g.MapGet("/studies", QidoRs.StudiesAsync);
        g.MapGet("/series", QidoRs.SeriesAsync);
        g.MapGet("/studies/{study}/series", QidoRs.SeriesAsync);
        g.MapGet("/instances", QidoRs.InstancesAsync);
        g.MapGet("/studies/{study}/instances", QidoRs.InstancesAsync);
        g.MapGet("/studies/{study}/series/{series}/instances", QidoRs.InstancesAsync);

        g.MapGet("/studies/{study}", WadoRs.StudyAsync);
        g.MapGet("/studies/{study}/series/{series}", WadoRs.SeriesAsync);
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}", WadoRs.InstanceAsync);
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}", WadoRs.FramesAsync);
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/rendered", RenderedRs.InstanceAsync);
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frame:int}/rendered", RenderedRs.FrameAsync);
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/thumbnail", RenderedRs.InstanceThumbnailAsync);
        g.MapGet("/studies/{study}/series/{series}/thumbnail", RenderedRs.SeriesThumbnailAsync);
        g.MapGet("/studies/{study}/thumbnail", RenderedRs.StudyThumbnailAsync);
        g.MapGet("/studies/{study}/metadata", MetadataRs.StudyAsync);
        g.MapGet("/studies/{study}/series/{series}/metadata", MetadataRs.SeriesAsync);
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/metadata", MetadataRs.InstanceAsync);
        g.MapGet("/studies/{study}/series/{series}/instances/{instance}/bulkdata/{**path}", MetadataRs.BulkDataAsync);
        app.MapGet("/wado", WadoUri.GetAsync).AddEndpointFilter(Access.RequestAccess.FilterAsync);
        return app;
    }
}
