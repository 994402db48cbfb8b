namespace Enamel.Server.DicomWeb;

/// <summary>
/// What a WADO-RS frames (or pixel bulk data) client accepts (PS3.18 8.7.3, Table 8.7.3-5): a list of (part media type,
/// transfer syntax) in the client's order of preference. The transfer syntax is "*" for as stored; a part type without
/// one takes its default (application/octet-stream: Explicit VR Little Endian; image/jpeg: JPEG Lossless SV1;
/// image/jls: JPEG-LS Lossless; image/jp2: JPEG 2000 Lossless; image/jpx: JPEG 2000 Part 2 Lossless;
/// image/dicom-rle: RLE). application/octet-stream also carries any encapsulated syntax it names (as cornerstone asks).
/// </summary>
internal sealed record AcceptedFrames(string PartType, string TransferSyntax)
{
    public const string OctetStream = "application/octet-stream";
    public const string ExplicitLittle = "1.2.840.10008.1.2.1";
    public const string ImplicitLittle = "1.2.840.10008.1.2";

    private static readonly Dictionary<string, string[]> SyntaxesOfType = new(StringComparer.OrdinalIgnoreCase)
    {
        // The first is the type's default.
        ["image/jpeg"] = ["1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57"],
        ["image/jls"] = ["1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"],
        ["image/jp2"] = ["1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"],
        ["image/jpx"] = ["1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93"],
        ["image/dicom-rle"] = ["1.2.840.10008.1.2.5"],
        ["image/x-dicom-rle"] = ["1.2.840.10008.1.2.5"],
    };

    /// <summary>Whether this choice can carry frames stored in <paramref name="storedSyntax"/> as they are.</summary>
    public bool AsStoredFits(string storedSyntax) =>
        PartType.Equals(OctetStream, StringComparison.OrdinalIgnoreCase)
        || (SyntaxesOfType.TryGetValue(PartType, out var allowed) && allowed.Contains(storedSyntax));

    /// <summary>The choices in preference order; empty when nothing offered is a frame media type (answer 406).</summary>
    public static IReadOnlyList<AcceptedFrames> Parse(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return [new(OctetStream, ExplicitLittle)];
        var list = new List<AcceptedFrames>();
        foreach (var range in MediaRange.Parse(accept))
        {
            var type = range.Type;
            string? Param(string name) => range[name];
            if (type is "*/*" or "multipart/*") { list.Add(new(OctetStream, ExplicitLittle)); continue; }
            if (type != "multipart/related") continue; // frames are always answered as multipart/related
            var partType = (Param("type") ?? OctetStream).ToLowerInvariant();
            var syntax = Param("transfer-syntax");
            if (partType == OctetStream) list.Add(new(OctetStream, syntax is null or "" ? ExplicitLittle : syntax));
            else if (SyntaxesOfType.TryGetValue(partType, out var allowed))
            {
                if (syntax is null or "") list.Add(new(partType, allowed[0]));
                else if (syntax == "*" || allowed.Contains(syntax)) list.Add(new(partType, syntax));
                // A syntax the type cannot carry (image/jpeg with JPEG-LS) is not a choice.
            }
        }
        return list;
    }
}
