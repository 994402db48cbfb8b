using System.Globalization;
using System.Text.Json;

namespace Enamel.Dicom;

/// <summary>
/// Reads DICOM JSON (PS3.18 Annex F) into a dataset. Text is stored as UTF-8: when any value needs more than ASCII,
/// Specific Character Set becomes ISO_IR 192. Numbers become binary values for US, SS, UL, SL, FL, FD, SV, UV and
/// text for IS and DS (kept as written when it fits). InlineBinary is decoded; a base64 Pixel Data value that is an
/// item stream becomes encapsulated fragments again. Anything malformed raises <see cref="DicomJsonException"/>
/// with the JSON path of the offending member.
/// </summary>
public static class DicomJsonReader
{
    public static DicomDataset Read(Stream utf8Json, DicomJsonReaderOptions? options = null)
    {
        options ??= DicomJsonReaderOptions.Default;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json, DocumentOptions(options));
        }
        catch (JsonException ex)
        {
            throw new DicomJsonException($"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {ex.Message}", ex.Path ?? "$", ex);
        }
        using (doc) return Read(doc.RootElement, options);
    }

    public static DicomDataset Parse(string json, DicomJsonReaderOptions? options = null) =>
        Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)), options);

    /// <summary>Reads one dataset object (e.g. an element of a QIDO-RS or WADO-RS metadata array).</summary>
    public static DicomDataset Read(JsonElement dataset, DicomJsonReaderOptions? options = null)
    {
        var state = new State(options ?? DicomJsonReaderOptions.Default);
        var result = ReadDataset(dataset, "$", 0, state);
        if (state.NonAscii) MarkUtf8(result);
        return result;
    }

    // Each sequence level nests four JSON levels: dataset object, element object, Value array, item object.
    private static JsonDocumentOptions DocumentOptions(DicomJsonReaderOptions o) => new() { MaxDepth = 4 * o.MaxSequenceDepth + 8 };

    private sealed class State(DicomJsonReaderOptions options)
    {
        public DicomJsonReaderOptions Options { get; } = options;
        public bool NonAscii;
    }

    private static DicomDataset ReadDataset(JsonElement obj, string path, int depth, State state)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Wrong(path, "a dataset object", obj);
        if (depth > state.Options.MaxSequenceDepth) throw new DicomJsonException($"sequences nested deeper than {state.Options.MaxSequenceDepth}", path);
        var ds = new DicomDataset();
        foreach (var member in obj.EnumerateObject())
        {
            var here = $"{path}[\"{member.Name}\"]";
            if (member.Name.Length != 8 || !uint.TryParse(member.Name, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
                throw new DicomJsonException($"key \"{member.Name}\" is not a tag of eight hex digits like \"00100010\"", here);
            var tag = new DicomTag(value);
            if (ds.Contains(tag)) throw new DicomJsonException($"tag {tag} appears twice", here);
            ds.Set(ReadElement(tag, member.Value, here, depth, state));
        }
        return ds;
    }

    private static DicomElement ReadElement(DicomTag tag, JsonElement obj, string path, int depth, State state)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Wrong(path, "an attribute object with \"vr\"", obj);
        JsonElement? vrMember = null, valueMember = null;
        string? valueKey = null;
        foreach (var m in obj.EnumerateObject())
        {
            switch (m.Name)
            {
                case "vr": vrMember = m.Value; break;
                case "Value" or "InlineBinary" or "BulkDataURI":
                    if (valueKey is not null) throw new DicomJsonException($"both \"{valueKey}\" and \"{m.Name}\"; an attribute has at most one", path);
                    valueKey = m.Name;
                    valueMember = m.Value;
                    break;
                default: throw new DicomJsonException($"unexpected member \"{m.Name}\"", path);
            }
        }
        if (vrMember is not { } vrElement) throw new DicomJsonException("missing \"vr\"", path);
        if (vrElement.ValueKind != JsonValueKind.String) throw Wrong(path + ".vr", "a string", vrElement);
        var code = vrElement.GetString()!;
        if (!DicomVRInfo.TryParse(code, out var vr)) throw new DicomJsonException($"unknown VR \"{code}\"", path + ".vr");
        var valuePath = $"{path}.{valueKey}";

        if (valueMember is not { } v) return vr == DicomVR.SQ ? new DicomSequence(tag) : new DicomValueElement(tag, vr, DicomValue.Empty);

        if (valueKey == "BulkDataURI")
        {
            if (v.ValueKind != JsonValueKind.String) throw Wrong(valuePath, "a URI string", v);
            var uri = v.GetString()!;
            var resolved = state.Options.ResolveBulkData?.Invoke(uri, tag, vr);
            return new DicomValueElement(tag, vr, resolved ?? new BulkDataUriValue(uri));
        }
        if (valueKey == "InlineBinary")
        {
            if (v.ValueKind != JsonValueKind.String) throw Wrong(valuePath, "a base64 string", v);
            if (!DicomJsonValues.IsBinary(vr)) throw new DicomJsonException($"InlineBinary is for binary VRs (OB, OD, OF, OL, OV, OW, UN), not {code}", valuePath);
            if (!v.TryGetBytesFromBase64(out var bytes)) throw new DicomJsonException("InlineBinary is not valid base64", valuePath);
            if (DicomJsonValues.TryDecodeEncapsulated(tag, vr, bytes, out var fragments)) return fragments;
            return new DicomValueElement(tag, vr, DicomValue.FromBytes(bytes));
        }

        if (v.ValueKind != JsonValueKind.Array) throw Wrong(valuePath, "an array", v);
        if (vr == DicomVR.SQ)
        {
            var seq = new DicomSequence(tag);
            int i = 0;
            foreach (var item in v.EnumerateArray()) seq.Add(ReadDataset(item, $"{valuePath}[{i++}]", depth + 1, state));
            return seq;
        }
        if (DicomJsonValues.IsBinary(vr)) throw new DicomJsonException($"VR {code} takes InlineBinary or BulkDataURI, not Value", valuePath);
        var values = new List<string?>();
        int n = 0;
        foreach (var item in v.EnumerateArray())
            values.Add(ReadValue(item, vr, $"{valuePath}[{n++}]"));
        try
        {
            return new DicomValueElement(tag, vr, DicomJsonValues.Encode(vr, values, ref state.NonAscii));
        }
        catch (FormatException ex)
        {
            throw new DicomJsonException(ex.Message, valuePath, ex);
        }
    }

    private static string? ReadValue(JsonElement item, DicomVR vr, string path)
    {
        if (item.ValueKind == JsonValueKind.Null) return null;
        if (vr == DicomVR.PN) return ReadPersonName(item, path);
        bool number = DicomJsonValues.IsNumber(vr);
        return item.ValueKind switch
        {
            JsonValueKind.Number when number => item.GetRawText(),
            // Numbers given as strings are accepted (some servers quote DS/IS, or write NaN for a float).
            JsonValueKind.String => item.GetString(),
            _ => throw Wrong(path, number ? "a number" : "a string", item),
        };
    }

    private static string ReadPersonName(JsonElement obj, string path)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Wrong(path, "a person name object with Alphabetic, Ideographic or Phonetic", obj);
        var groups = new string?[3];
        foreach (var m in obj.EnumerateObject())
        {
            int g = Array.IndexOf(DicomJsonValues.GroupNames, m.Name);
            if (g < 0) throw new DicomJsonException($"unexpected person name member \"{m.Name}\"", path);
            if (m.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) throw Wrong($"{path}.{m.Name}", "a string", m.Value);
            groups[g] = m.Value.GetString();
            if (groups[g]?.Contains('=') == true) throw new DicomJsonException("a component group contains '='", $"{path}.{m.Name}");
        }
        return DicomJsonValues.JoinGroups(groups);
    }

    /// <summary>Text was stored as UTF-8, so every Specific Character Set in the tree must say so.</summary>
    internal static void MarkUtf8(DicomDataset root)
    {
        root.SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        Visit(root);

        static void Visit(DicomDataset ds)
        {
            foreach (var seq in ds.OfType<DicomSequence>())
                foreach (var item in seq.Items)
                {
                    if (item.Contains(DicomTags.SpecificCharacterSet)) item.SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
                    Visit(item);
                }
        }
    }

    private static DicomJsonException Wrong(string path, string expected, JsonElement found) =>
        new($"expected {expected}, found {found.ValueKind.ToString().ToLowerInvariant()}", path);
}
