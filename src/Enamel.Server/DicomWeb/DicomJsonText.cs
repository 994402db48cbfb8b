using System.Text.Json;
using Enamel.Dicom;

namespace Enamel.Server.DicomWeb;

/// <summary>Writes indexed attribute values (strings from the index) as DICOM JSON attributes (PS3.18 F.2).</summary>
internal static class DicomJsonText
{
    /// <summary>Relaxed escaping: responses are application/dicom+json, never embedded in HTML.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteAttributes(Utf8JsonWriter w, IEnumerable<KeyValuePair<DicomTag, string>> attributes)
    {
        foreach (var (tag, value) in attributes.OrderBy(a => a.Key))
        {
            var vr = DicomDictionary.DefaultVR(tag);
            w.WritePropertyName(tag.ToHex());
            w.WriteStartObject();
            w.WriteString("vr", vr.Code());
            if (value.Length > 0)
            {
                w.WritePropertyName("Value");
                w.WriteStartArray();
                foreach (var v in value.Split('\\'))
                {
                    switch (vr)
                    {
                        case DicomVR.PN:
                            // PS3.18 F.2.2: the component groups of a PN value are separate members.
                            w.WriteStartObject();
                            var groups = v.Split('=');
                            string[] names = ["Alphabetic", "Ideographic", "Phonetic"];
                            for (int g = 0; g < Math.Min(groups.Length, 3); g++)
                                if (groups[g].Length > 0) w.WriteString(names[g], groups[g]);
                            w.WriteEndObject();
                            break;
                        case DicomVR.IS or DicomVR.US or DicomVR.UL or DicomVR.SS or DicomVR.SL when long.TryParse(v, out var n):
                            w.WriteNumberValue(n);
                            break;
                        case DicomVR.DS when double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d):
                            w.WriteNumberValue(d);
                            break;
                        default:
                            w.WriteStringValue(v);
                            break;
                    }
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
    }
}
