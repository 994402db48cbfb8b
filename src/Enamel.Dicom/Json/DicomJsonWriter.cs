using System.Text.Encodings.Web;
using System.Text.Json;

namespace Enamel.Dicom;

/// <summary>
/// Writes a dataset as DICOM JSON (PS3.18 Annex F) straight to a <see cref="Utf8JsonWriter"/>: keys "GGGGEEEE",
/// "vr", then "Value" (strings, numbers, PN objects, AT hex strings, SQ item objects), "InlineBinary" or
/// "BulkDataURI". An element with an empty value has no value key (F.2.5). Large binary values are base64-encoded
/// in chunks, never held whole as text.
/// </summary>
public static class DicomJsonWriter
{
    private const int Base64Chunk = 3 * 16 * 1024;
    internal const int ReadChunk = 64 * 1024;
    private const int FlushThreshold = 256 * 1024;

    /// <summary>Writes the dataset as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonWriterOptions? options = null) =>
        WriteDataset(writer, dataset, options ?? DicomJsonWriterOptions.Default, "");

    public static void Write(Stream stream, DicomDataset dataset, DicomJsonWriterOptions? options = null)
    {
        options ??= DicomJsonWriterOptions.Default;
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = options.Indented,
            // Output is JSON for APIs and files, not HTML: keep apostrophes and non-ASCII letters readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        Write(writer, dataset, options);
    }

    public static string ToJson(DicomDataset dataset, DicomJsonWriterOptions? options = null)
    {
        var ms = new MemoryStream();
        Write(ms, dataset, options);
        return System.Text.Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    private static void WriteDataset(Utf8JsonWriter w, DicomDataset ds, DicomJsonWriterOptions options, string path)
    {
        w.WriteStartObject();
        foreach (var e in ds)
        {
            if (e.Tag.IsGroupLength) continue; // group lengths are encoding details, not attributes (PS3.5 7.2)
            WriteElement(w, ds, e, options, path.Length == 0 ? e.Tag.ToHex() : $"{path}/{e.Tag.ToHex()}");
            if (w.BytesPending > FlushThreshold) w.Flush();
        }
        w.WriteEndObject();
    }

    private static void WriteElement(Utf8JsonWriter w, DicomDataset ds, DicomElement e, DicomJsonWriterOptions options, string path)
    {
        w.WritePropertyName(e.Tag.ToHex());
        w.WriteStartObject();
        w.WriteString("vr", e.VR.Code());
        switch (e)
        {
            case DicomSequence seq:
                if (seq.Items.Count > 0)
                {
                    w.WriteStartArray("Value");
                    for (int i = 0; i < seq.Items.Count; i++) WriteDataset(w, seq.Items[i], options, $"{path}/{i}");
                    w.WriteEndArray();
                }
                break;
            case DicomFragmentSequence frag:
                if (BulkUri(e, DicomJsonValues.EncapsulatedLength(frag), options, path) is { } fragUri) w.WriteString("BulkDataURI", fragUri);
                else WriteBase64(w, DicomJsonValues.EncapsulatedChunks(frag));
                break;
            case DicomValueElement { Value: BulkDataUriValue bulk }:
                w.WriteString("BulkDataURI", bulk.Uri);
                break;
            case DicomValueElement v when DicomJsonValues.IsBinary(v.VR):
                if (v.Length == 0) break;
                if (BulkUri(e, v.Length, options, path) is { } uri) w.WriteString("BulkDataURI", uri);
                else WriteBase64(w, Chunks(v.Value));
                break;
            case DicomValueElement v:
                WriteValues(w, ds, v);
                break;
        }
        w.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter w, DicomDataset ds, DicomValueElement v)
    {
        var values = DicomJsonValues.GetValues(ds, v);
        if (values.Length == 0) return;
        w.WriteStartArray("Value");
        foreach (var value in values)
        {
            if (value is null) w.WriteNullValue();
            else if (v.VR == DicomVR.PN) WritePersonName(w, value);
            else if (DicomJsonValues.IsNumber(v.VR) && NumberText(value, v.VR) is { } number) w.WriteRawValue(number, skipInputValidation: true);
            // A number that is not one (a malformed IS/DS, a NaN float) stays a string rather than being lost.
            else w.WriteStringValue(value);
        }
        w.WriteEndArray();
    }

    private static string? NumberText(string value, DicomVR vr) =>
        vr is DicomVR.IS or DicomVR.DS ? DicomJsonValues.ToJsonNumber(value, vr)
            : DicomJsonValues.IsJsonNumber(value) ? value : null;

    /// <summary>PS3.18 F.2.2: a PN value is an object with up to three component groups.</summary>
    private static void WritePersonName(Utf8JsonWriter w, string value)
    {
        var groups = DicomJsonValues.SplitGroups(value);
        w.WriteStartObject();
        for (int i = 0; i < groups.Length; i++)
            if (groups[i].Length > 0) w.WriteString(DicomJsonValues.GroupNames[i], groups[i]);
        w.WriteEndObject();
    }

    private static string? BulkUri(DicomElement e, long length, DicomJsonWriterOptions options, string path) =>
        options.BulkDataUri is { } f && length > options.InlineThreshold ? f(path, e) : null;

    /// <summary>
    /// The value in pieces. A deferred value is read into one reused 64 KiB buffer (below the large object heap),
    /// so each piece is valid only until the next is requested.
    /// </summary>
    internal static IEnumerable<ReadOnlyMemory<byte>> Chunks(DicomValue value)
    {
        if (!value.IsDeferred)
        {
            yield return value.GetMemory();
            yield break;
        }
        var buffer = new byte[(int)Math.Min(ReadChunk, value.Length)];
        for (long done = 0; done < value.Length; done += buffer.Length)
        {
            int n = (int)Math.Min(buffer.Length, value.Length - done);
            value.Read(done, buffer.AsSpan(0, n));
            yield return buffer.AsMemory(0, n);
        }
    }

    /// <summary>Writes InlineBinary from chunks; only whole 3-byte groups are flushed before the last segment.</summary>
    private static void WriteBase64(Utf8JsonWriter w, IEnumerable<ReadOnlyMemory<byte>> chunks)
    {
        w.WritePropertyName("InlineBinary");
        var buffer = new byte[Base64Chunk];
        int filled = 0;
        foreach (var chunk in chunks)
        {
            var span = chunk.Span;
            while (span.Length > 0)
            {
                int n = Math.Min(span.Length, buffer.Length - filled);
                span[..n].CopyTo(buffer.AsSpan(filled));
                filled += n;
                span = span[n..];
                if (filled == buffer.Length)
                {
                    w.WriteBase64StringSegment(buffer, isFinalSegment: false);
                    filled = 0;
                    // Utf8JsonWriter keeps everything until flushed; hand it on so memory stays flat.
                    if (w.BytesPending > FlushThreshold) w.Flush();
                }
            }
        }
        w.WriteBase64StringSegment(buffer.AsSpan(0, filled), isFinalSegment: true);
    }
}
