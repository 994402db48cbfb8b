using System.Text;
using System.Xml;

namespace Enamel.Dicom;

/// <summary>
/// Writes a dataset in the Native DICOM Model (PS3.19 Annex A): &lt;NativeDicomModel&gt; with one &lt;DicomAttribute
/// tag vr keyword|privateCreator&gt; per element holding &lt;Value number&gt;, &lt;PersonName number&gt; (component
/// groups split into FamilyName … NameSuffix), &lt;Item number&gt;, &lt;InlineBinary&gt; or &lt;BulkData uri&gt;.
/// Private data elements are written as tag "gggg00ee" (block byte cleared) with privateCreator, as dcmtk's
/// dcm2xml writes them; the reader reserves a block for the creator again.
/// </summary>
public static class DicomXmlWriter
{
    public static void Write(Stream stream, DicomDataset dataset, DicomJsonWriterOptions? options = null)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  " };
        using var writer = XmlWriter.Create(stream, settings);
        Write(writer, dataset, options);
    }

    public static string ToXml(DicomDataset dataset, DicomJsonWriterOptions? options = null)
    {
        var ms = new MemoryStream();
        Write(ms, dataset, options);
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    public static void Write(XmlWriter w, DicomDataset dataset, DicomJsonWriterOptions? options = null)
    {
        w.WriteStartDocument();
        w.WriteStartElement("NativeDicomModel");
        w.WriteAttributeString("xml", "space", null, "preserve");
        WriteAttributes(w, dataset, options ?? DicomJsonWriterOptions.Default, "");
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void WriteAttributes(XmlWriter w, DicomDataset ds, DicomJsonWriterOptions options, string path)
    {
        foreach (var e in ds)
        {
            if (e.Tag.IsGroupLength) continue;
            WriteAttribute(w, ds, e, options, path.Length == 0 ? e.Tag.ToHex() : $"{path}/{e.Tag.ToHex()}");
        }
    }

    private static void WriteAttribute(XmlWriter w, DicomDataset ds, DicomElement e, DicomJsonWriterOptions options, string path)
    {
        w.WriteStartElement("DicomAttribute");
        var creator = ds.GetPrivateCreator(e.Tag);
        var tag = creator is null ? e.Tag : new DicomTag(e.Tag.Group, (ushort)(e.Tag.Element & 0xFF));
        w.WriteAttributeString("tag", tag.ToHex());
        w.WriteAttributeString("vr", e.VR.Code());
        if (creator is not null) w.WriteAttributeString("privateCreator", creator);
        else if (!e.Tag.IsPrivate && DicomDictionary.KeywordOf(e.Tag) is { Length: > 0 } keyword) w.WriteAttributeString("keyword", keyword);

        switch (e)
        {
            case DicomSequence seq:
                for (int i = 0; i < seq.Items.Count; i++)
                {
                    w.WriteStartElement("Item");
                    w.WriteAttributeString("number", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    WriteAttributes(w, seq.Items[i], options, $"{path}/{i}");
                    w.WriteEndElement();
                }
                break;
            case DicomFragmentSequence frag:
                WriteBinary(w, e, DicomJsonValues.EncapsulatedLength(frag), () => DicomJsonValues.EncapsulatedChunks(frag), options, path);
                break;
            case DicomValueElement { Value: BulkDataUriValue bulk }:
                WriteBulkData(w, bulk.Uri);
                break;
            case DicomValueElement v when DicomJsonValues.IsBinary(v.VR):
                if (v.Length > 0) WriteBinary(w, e, v.Length, () => DicomJsonWriter.Chunks(v.Value), options, path);
                break;
            case DicomValueElement v:
                WriteValues(w, ds, v);
                break;
        }
        w.WriteEndElement();
    }

    private static void WriteValues(XmlWriter w, DicomDataset ds, DicomValueElement v)
    {
        var values = DicomJsonValues.GetValues(ds, v);
        for (int i = 0; i < values.Length; i++)
        {
            var number = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (v.VR == DicomVR.PN)
            {
                w.WriteStartElement("PersonName");
                w.WriteAttributeString("number", number);
                if (values[i] is { } name) WritePersonName(w, name, v.Tag);
                w.WriteEndElement();
                continue;
            }
            w.WriteStartElement("Value");
            w.WriteAttributeString("number", number);
            var text = values[i];
            if (text is not null && v.VR is DicomVR.IS or DicomVR.DS) text = DicomJsonValues.ToJsonNumber(text, v.VR) ?? text;
            if (text is not null) w.WriteString(Checked(text, v.Tag));
            w.WriteEndElement();
        }
    }

    private static void WritePersonName(XmlWriter w, string name, DicomTag tag)
    {
        var groups = DicomJsonValues.SplitGroups(name);
        // Empty groups and components are written as empty elements up to the last one present, so the value's
        // delimiters survive a round trip ("^^^^" is not the same bytes as "").
        for (int g = 0; g < groups.Length; g++)
        {
            w.WriteStartElement(DicomJsonValues.GroupNames[g]);
            var components = groups[g].Split('^');
            if (components.Length > 5) throw new FormatException("a person name component group has at most five components");
            if (components.Length > 1 || components[0].Length > 0)
                for (int c = 0; c < components.Length; c++) w.WriteElementString(DicomJsonValues.ComponentNames[c], Checked(components[c], tag));
            w.WriteEndElement();
        }
    }

    /// <summary>XML 1.0 cannot carry most control characters (XML 1.0 section 2.2); say which value has one instead of failing deep in XmlWriter.</summary>
    private static string Checked(string text, DicomTag tag)
    {
        int bad = FirstInvalid(text);
        return bad < 0 ? text : throw new DicomXmlException($"the value contains U+{(int)text[bad]:X4}, which XML 1.0 cannot carry", tag.ToString(), 0);

        static int FirstInvalid(string t)
        {
            for (int i = 0; i < t.Length; i++)
            {
                if (char.IsHighSurrogate(t[i]) && i + 1 < t.Length && char.IsLowSurrogate(t[i + 1])) { i++; continue; }
                if (!XmlConvert.IsXmlChar(t[i])) return i;
            }
            return -1;
        }
    }

    private static void WriteBinary(XmlWriter w, DicomElement e, long length, Func<IEnumerable<ReadOnlyMemory<byte>>> chunks,
        DicomJsonWriterOptions options, string path)
    {
        if (options.BulkDataUri is { } f && length > options.InlineThreshold && f(path, e) is { } uri)
        {
            WriteBulkData(w, uri);
            return;
        }
        w.WriteStartElement("InlineBinary");
        // XmlWriter keeps base64 state across calls, so chunk boundaries need not fall on 3-byte groups.
        foreach (var chunk in chunks())
        {
            var array = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(chunk, out var segment)
                ? segment : new ArraySegment<byte>(chunk.ToArray());
            w.WriteBase64(array.Array!, array.Offset, array.Count);
        }
        w.WriteEndElement();
    }

    private static void WriteBulkData(XmlWriter w, string uri)
    {
        w.WriteStartElement("BulkData");
        w.WriteAttributeString("uri", uri);
        w.WriteEndElement();
    }
}
