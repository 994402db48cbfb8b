using System.Globalization;
using System.Xml;

namespace Enamel.Dicom;

/// <summary>
/// Reads the Native DICOM Model (PS3.19 Annex A) into a dataset, with the same value rules as
/// <see cref="DicomJsonReader"/> (UTF-8 text, ISO_IR 192 when needed, encapsulated Pixel Data recognised).
/// DTDs are refused and no external resource is ever resolved. Errors raise <see cref="DicomXmlException"/>
/// with the tag path and line.
/// </summary>
public static class DicomXmlReader
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersFromEntities = 0,
    };

    public static DicomDataset Read(Stream stream, DicomJsonReaderOptions? options = null)
    {
        using var reader = XmlReader.Create(stream, Settings);
        return Read(reader, options);
    }

    public static DicomDataset Parse(string xml, DicomJsonReaderOptions? options = null)
    {
        using var reader = XmlReader.Create(new StringReader(xml), Settings);
        return Read(reader, options);
    }

    private static DicomDataset Read(XmlReader r, DicomJsonReaderOptions? options)
    {
        var state = new State(options ?? DicomJsonReaderOptions.Default, r);
        try
        {
            r.MoveToContent();
            if (r.NodeType != XmlNodeType.Element || r.LocalName != "NativeDicomModel")
                throw state.Error($"the root element must be <NativeDicomModel>, not <{r.LocalName}>", "");
            var ds = ReadDataset(r, "", 0, state);
            if (state.NonAscii) DicomJsonReader.MarkUtf8(ds);
            return ds;
        }
        catch (XmlException ex)
        {
            throw new DicomXmlException($"not well-formed XML: {ex.Message}", "", ex.LineNumber, ex);
        }
    }

    private sealed class State(DicomJsonReaderOptions options, XmlReader reader)
    {
        public DicomJsonReaderOptions Options { get; } = options;
        public bool NonAscii;
        public DicomXmlException Error(string problem, string path, Exception? inner = null) =>
            new(problem, path, (reader as IXmlLineInfo)?.LineNumber ?? 0, inner);
    }

    /// <summary>Reads the DicomAttribute children of the current element (NativeDicomModel or Item) and moves past its end.</summary>
    private static DicomDataset ReadDataset(XmlReader r, string path, int depth, State state)
    {
        if (depth > state.Options.MaxSequenceDepth) throw state.Error($"sequences nested deeper than {state.Options.MaxSequenceDepth}", path);
        var ds = new DicomDataset();
        foreach (var name in Children(r, path, state))
        {
            if (name != "DicomAttribute") throw state.Error($"unexpected element <{name}>; expected <DicomAttribute>", path);
            ReadAttribute(r, ds, path, depth, state);
        }
        return ds;
    }

    /// <summary>Yields the name of each child element, positioned on it; the caller must consume it. Ends past the parent's end tag.</summary>
    private static IEnumerable<string> Children(XmlReader r, string path, State state)
    {
        if (r.IsEmptyElement)
        {
            r.Read();
            yield break;
        }
        r.Read();
        while (true)
        {
            switch (r.NodeType)
            {
                case XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    r.Read();
                    break;
                case XmlNodeType.EndElement:
                    r.Read();
                    yield break;
                case XmlNodeType.Element:
                    yield return r.LocalName;
                    break;
                default:
                    throw state.Error($"unexpected {r.NodeType.ToString().ToLowerInvariant()} content", path);
            }
        }
    }

    private static void ReadAttribute(XmlReader r, DicomDataset ds, string path, int depth, State state)
    {
        var tagText = r.GetAttribute("tag");
        if (tagText is null || tagText.Length != 8 || !uint.TryParse(tagText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var tagValue))
            throw state.Error($"tag=\"{tagText}\" is not eight hex digits like \"00100010\"", path);
        var tag = new DicomTag(tagValue);
        var creator = r.GetAttribute("privateCreator");
        // A private data element comes as gggg00ee plus its creator; a creator element itself has no privateCreator.
        if (creator is not null && tag.IsPrivate && tag.Element < 0x100)
            tag = new DicomTag(tag.Group, (ushort)((ReserveBlock(ds, tag.Group, creator, state, path) << 8) | tag.Element));
        var here = path + tag;
        var vrText = r.GetAttribute("vr");
        DicomVR vr;
        if (vrText is null) vr = DicomDictionary.DefaultVR(tag);
        else if (!DicomVRInfo.TryParse(vrText, out vr)) throw state.Error($"unknown VR \"{vrText}\"", here);
        if (ds.Contains(tag)) throw state.Error($"tag {tag} appears twice", here);

        var values = new List<string?>();
        var seq = vr == DicomVR.SQ ? new DicomSequence(tag) : null;
        DicomElement? binary = null;
        foreach (var name in Children(r, here, state))
        {
            switch (name)
            {
                case "Value" or "PersonName" when vr != DicomVR.SQ && !DicomJsonValues.IsBinary(vr) && (name == "PersonName") == (vr == DicomVR.PN):
                    ExpectNumber(r, values.Count + 1, here, state);
                    values.Add(name == "Value" ? NullIfEmpty(r.ReadElementContentAsString()) : ReadPersonName(r, here, state));
                    break;
                case "Item" when seq is not null:
                    ExpectNumber(r, seq.Items.Count + 1, here, state);
                    seq.Add(ReadDataset(r, $"{here}[{seq.Items.Count + 1}]>", depth + 1, state));
                    break;
                case "InlineBinary" when DicomJsonValues.IsBinary(vr) && binary is null:
                    binary = ReadInlineBinary(r, tag, vr, here, state);
                    break;
                case "BulkData" when vr != DicomVR.SQ && binary is null && values.Count == 0:
                    var uri = r.GetAttribute("uri") ?? (r.GetAttribute("uuid") is { } uuid ? "urn:uuid:" + uuid : null)
                        ?? throw state.Error("<BulkData> needs a uri or uuid attribute", here);
                    r.Skip();
                    binary = new DicomValueElement(tag, vr, state.Options.ResolveBulkData?.Invoke(uri, tag, vr) ?? new BulkDataUriValue(uri));
                    break;
                default:
                    throw state.Error($"unexpected <{name}> in an attribute with VR {vr.Code()}", here);
            }
        }
        if (seq is not null) { ds.Set(seq); return; }
        if (binary is not null) { ds.Set(binary); return; }
        try
        {
            ds.Set(new DicomValueElement(tag, vr, DicomJsonValues.Encode(vr, values, ref state.NonAscii)));
        }
        catch (FormatException ex)
        {
            throw state.Error(ex.Message, here, ex);
        }
    }

    private static void ExpectNumber(XmlReader r, int expected, string path, State state)
    {
        var number = r.GetAttribute("number");
        if (number != expected.ToString(CultureInfo.InvariantCulture))
            throw state.Error($"<{r.LocalName} number=\"{number}\"> where number=\"{expected}\" was expected", path);
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    private static string? ReadPersonName(XmlReader r, string path, State state)
    {
        var groups = new string?[3];
        foreach (var groupName in Children(r, path, state))
        {
            int g = Array.IndexOf(DicomJsonValues.GroupNames, groupName);
            if (g < 0 || groups[g] is not null) throw state.Error($"unexpected <{groupName}> in <PersonName>", path);
            var components = new string?[5];
            foreach (var componentName in Children(r, path, state))
            {
                int c = Array.IndexOf(DicomJsonValues.ComponentNames, componentName);
                if (c < 0 || components[c] is not null) throw state.Error($"unexpected <{componentName}> in <{groupName}>", path);
                components[c] = r.ReadElementContentAsString();
                if (components[c]!.AsSpan().IndexOfAny("^=\\") >= 0) throw state.Error($"<{componentName}> contains a delimiter (^ = \\)", path);
            }
            // Components up to the last one present, so empty ones written out ("^^^^") keep their delimiters.
            int n = 5;
            while (n > 0 && components[n - 1] is null) n--;
            groups[g] = string.Join('^', components.Take(n).Select(x => x ?? ""));
        }
        int count = 3;
        while (count > 0 && groups[count - 1] is null) count--;
        return NullIfEmpty(string.Join('=', groups.Take(count).Select(x => x ?? "")));
    }

    private static DicomElement ReadInlineBinary(XmlReader r, DicomTag tag, DicomVR vr, string path, State state)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(r.ReadElementContentAsString());
        }
        catch (FormatException ex)
        {
            throw state.Error("<InlineBinary> is not valid base64", path, ex);
        }
        return DicomJsonValues.TryDecodeEncapsulated(tag, vr, bytes, out var fragments)
            ? fragments : new DicomValueElement(tag, vr, DicomValue.FromBytes(bytes));
    }

    /// <summary>The block (0x10-0xFF) of group <paramref name="group"/> reserved for the creator, reserving the first free one if needed (PS3.5 7.8.1).</summary>
    private static int ReserveBlock(DicomDataset ds, ushort group, string creator, State state, string path)
    {
        for (int block = 0x10; block <= 0xFF; block++)
            if (ds.GetString(new DicomTag(group, (ushort)block)) is { } existing && existing.Trim() == creator.Trim()) return block;
        for (int block = 0x10; block <= 0xFF; block++)
        {
            var creatorTag = new DicomTag(group, (ushort)block);
            if (ds.Contains(creatorTag)) continue;
            ds.SetString(creatorTag, DicomVR.LO, creator);
            return block;
        }
        throw state.Error($"no free private block in group {group:X4} for creator \"{creator}\"", path);
    }
}
