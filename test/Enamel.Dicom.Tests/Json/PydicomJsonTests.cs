using System.Text.Json;

namespace Enamel.Dicom.Tests.Json;

/// <summary>
/// Our DICOM JSON against pydicom 2.3.1's <c>Dataset.to_json_dict()</c> for every sample, compared structurally.
/// Both sides inline every binary value (pydicom without a bulk data handler, we without a BulkDataURI callback), so
/// Pixel Data is compared byte for byte as base64; encapsulated Pixel Data is the item stream without the sequence
/// delimiter on both sides.
///
/// Normalisations, each a place where pydicom deviates from PS3.18 or only formats differently:
/// - numbers are compared as doubles (pydicom writes DS "4000" as 4000.0; we keep the text 4000);
/// - FL values are compared as 32-bit floats: pydicom widens them to double (0.30000001192092896), we write the
///   shortest text that reads back to the same float (0.3);
/// - a sequence with no items: pydicom writes "Value": [], we follow F.2.5 (an empty value has no "Value");
/// - group length elements (gggg,0000): pydicom writes those it read, we drop them (they describe the encoding, not
///   the data set; PS3.5 7.2 retired them outside group 0000/0002).
/// - Explicit VR Big Endian: pydicom base64-encodes OW/OF/OL/OD/OV values in the file's byte order; PS3.18 binary
///   values are little endian (as every other part of DICOMweb), which is what we write. Their bytes are swapped per
///   unit before comparing.
/// Everything else must be identical.
/// </summary>
public class PydicomJsonTests
{
    [Theory]
    [MemberData(nameof(TestFiles.ReadableSamples), MemberType = typeof(TestFiles))]
    public void Write_Sample_MatchesPydicomToJsonDict(string name)
    {
        var path = TestFiles.Sample(name);
        using var file = DicomFile.Open(path);
        var ours = DicomJsonWriter.ToJson(file.Dataset);
        var theirs = Pydicom.ToJsonDict(path);
        using var a = JsonDocument.Parse(ours);
        using var b = JsonDocument.Parse(theirs);
        var diffs = new List<string>();
        var context = new Context(file.TransferSyntax.IsBigEndian, !file.TransferSyntax.IsExplicitVR);
        CompareDataset(a.RootElement, b.RootElement, "$", diffs, context);
        Assert.True(diffs.Count == 0, $"{name}: {diffs.Count} differences from pydicom:\n" + string.Join('\n', diffs.Take(30)));
    }

    /// <summary>
    /// The other direction: our reader takes pydicom's JSON, and writing that dataset again must give what we write
    /// for the file itself (same comparison and normalisations, since pydicom's quirks pass through the reader as data).
    /// </summary>
    [Theory]
    [MemberData(nameof(TestFiles.ReadableSamples), MemberType = typeof(TestFiles))]
    public void Read_PydicomJson_GivesSameDatasetAsFile(string name)
    {
        var path = TestFiles.Sample(name);
        using var file = DicomFile.Open(path);
        var ours = DicomJsonWriter.ToJson(file.Dataset);
        var viaReader = DicomJsonWriter.ToJson(DicomJsonReader.Parse(Pydicom.ToJsonDict(path)));
        using var a = JsonDocument.Parse(ours);
        using var b = JsonDocument.Parse(viaReader);
        var diffs = new List<string>();
        CompareDataset(a.RootElement, b.RootElement, "$", diffs, new Context(file.TransferSyntax.IsBigEndian, !file.TransferSyntax.IsExplicitVR));
        Assert.True(diffs.Count == 0, $"{name}: {diffs.Count} differences after reading pydicom's JSON:\n" + string.Join('\n', diffs.Take(30)));
    }

    private static void CompareDataset(JsonElement ours, JsonElement theirs, string path, List<string> diffs, Context context)
    {
        var a = ours.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        var b = theirs.EnumerateObject().Where(p => !p.Name.EndsWith("0000", StringComparison.Ordinal)).ToDictionary(p => p.Name, p => p.Value);
        foreach (var key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            var here = $"{path}[\"{key}\"]";
            if (!a.TryGetValue(key, out var ea)) { diffs.Add($"{here}: only in pydicom: {Short(b[key])}"); continue; }
            if (!b.TryGetValue(key, out var eb)) { diffs.Add($"{here}: only in ours: {Short(ea)}"); continue; }
            CompareElement(ea, eb, here, diffs, context);
        }
    }

    private sealed record Context(bool BigEndian, bool ImplicitVR);

    private static void CompareElement(JsonElement ours, JsonElement theirs, string path, List<string> diffs, Context context)
    {
        var vr = ours.GetProperty("vr").GetString()!;
        var theirVr = theirs.GetProperty("vr").GetString();
        if (vr != theirVr) { diffs.Add($"{path}.vr: ours {vr}, pydicom {theirVr}"); return; }
        var a = ValueKeys(ours);
        var b = ValueKeys(theirs);
        if (vr == "SQ" && b.TryGetValue("Value", out var items) && items.GetArrayLength() == 0) b.Remove("Value");
        if (!a.Keys.Order().SequenceEqual(b.Keys.Order()))
        {
            diffs.Add($"{path}: value keys ours [{string.Join(",", a.Keys)}] {Short(ours)}, pydicom [{string.Join(",", b.Keys)}] {Short(theirs)}");
            return;
        }
        foreach (var (key, va) in a)
        {
            var vb = b[key];
            if (key != "Value")
            {
                var theirText = key == "InlineBinary" && context.BigEndian ? Swapped(vb.GetString()!, vr) : vb.GetString();
                if (va.GetString() != theirText) diffs.Add($"{path}.{key}: differs ({va.GetString()!.Length} vs {vb.GetString()!.Length} chars)");
                continue;
            }
            int n = va.GetArrayLength();
            if (n != vb.GetArrayLength()) { diffs.Add($"{path}.Value: ours {Short(va)}, pydicom {Short(vb)}"); continue; }
            for (int i = 0; i < n; i++)
            {
                var x = va[i];
                var y = vb[i];
                if (vr == "SQ") CompareDataset(x, y, $"{path}.Value[{i}]", diffs, context);
                else if (!SameValue(x, y, vr)) diffs.Add($"{path}.Value[{i}]: ours {Short(x)}, pydicom {Short(y)}");
            }
        }
    }

    private static Dictionary<string, JsonElement> ValueKeys(JsonElement e) =>
        e.EnumerateObject().Where(p => p.Name != "vr").ToDictionary(p => p.Name, p => p.Value);

    private static bool SameValue(JsonElement x, JsonElement y, string vr)
    {
        if (x.ValueKind == JsonValueKind.Number && y.ValueKind == JsonValueKind.Number)
            return vr == "FL" ? (float)x.GetDouble() == (float)y.GetDouble() : x.GetDouble() == y.GetDouble();
        if (x.ValueKind == JsonValueKind.Object && y.ValueKind == JsonValueKind.Object)
        {
            var a = x.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            var b = y.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
        }
        if (x.ValueKind == JsonValueKind.String && y.ValueKind == JsonValueKind.String) return x.GetString() == y.GetString();
        return x.ValueKind == y.ValueKind && x.GetRawText() == y.GetRawText();
    }

    private static string Swapped(string base64, string vr)
    {
        int unit = vr switch { "OW" => 2, "OF" or "OL" => 4, "OD" or "OV" => 8, _ => 1 };
        var bytes = Convert.FromBase64String(base64);
        for (int i = 0; i + unit <= bytes.Length; i += unit) Array.Reverse(bytes, i, unit);
        return Convert.ToBase64String(bytes);
    }

    private static string Short(JsonElement e)
    {
        var t = e.GetRawText();
        return t.Length > 120 ? t[..120] + "…" : t;
    }
}
