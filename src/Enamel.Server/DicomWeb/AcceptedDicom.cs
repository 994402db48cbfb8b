using Microsoft.Net.Http.Headers;

namespace Enamel.Server.DicomWeb;

/// <summary>
/// What a WADO-RS client accepts for application/dicom (PS3.18 8.7): the transfer syntax asked for, "*" for
/// as-stored, and Explicit VR Little Endian when it names none.
/// </summary>
internal sealed record AcceptedDicom(string TransferSyntax)
{
    public const string DefaultSyntax = "1.2.840.10008.1.2.1";

    /// <summary>Null when nothing acceptable is offered.</summary>
    public static AcceptedDicom? Parse(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return new AcceptedDicom(DefaultSyntax);
        if (!MediaTypeHeaderValue.TryParseList(accept.Split(','), out var ranges)) return null;
        foreach (var range in ranges.OrderByDescending(r => r.Quality ?? 1.0))
        {
            var type = range.MediaType.ToString().ToLowerInvariant();
            string? Param(string name) => range.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value.ToString().Trim('"');
            if (type is "*/*" or "multipart/*") return new AcceptedDicom(DefaultSyntax);
            if (type == "multipart/related")
            {
                var partType = Param("type") ?? "application/dicom";
                if (!partType.Equals("application/dicom", StringComparison.OrdinalIgnoreCase)) continue;
                return new AcceptedDicom(Param("transfer-syntax") ?? DefaultSyntax);
            }
            if (type == "application/dicom") return new AcceptedDicom(Param("transfer-syntax") ?? DefaultSyntax);
        }
        return null;
    }
}
