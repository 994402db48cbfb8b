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
        foreach (var range in MediaRange.Parse(accept))
        {
            var type = range.Type;
            string? Param(string name) => range[name];
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
