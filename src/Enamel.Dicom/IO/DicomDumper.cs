using System.Globalization;
using System.Text;

namespace Enamel.Dicom;

/// <summary>A dcmdump-like text listing: one line per element with tag, VR, value, length, VM and keyword.</summary>
public static class DicomDumper
{
    private const int MaxShown = 64;

    public static void Dump(DicomFile file, TextWriter output)
    {
        if (file.HadPart10Header)
        {
            output.WriteLine();
            output.WriteLine("# Dicom-File-Format");
            output.WriteLine();
            output.WriteLine("# Dicom-Meta-Information-Header");
            output.WriteLine("# Used TransferSyntax: Little Endian Explicit");
            DumpDataset(file.Meta, output, 0);
            output.WriteLine();
        }
        output.WriteLine("# Dicom-Data-Set");
        output.WriteLine($"# Used TransferSyntax: {file.TransferSyntax.Name}");
        DumpDataset(file.Dataset, output, 0);
    }

    public static void DumpDataset(DicomDataset dataset, TextWriter output, int depth)
    {
        var indent = new string(' ', depth * 2);
        foreach (var e in dataset)
        {
            var keyword = DicomDictionary.KeywordOf(e.Tag);
            if (e.Tag.IsPrivate && !e.Tag.IsPrivateCreator)
                keyword = dataset.GetPrivateCreator(e.Tag) is { } creator ? $"PrivateTag [{creator}]" : "PrivateTag";
            else if (keyword.Length == 0) keyword = "Unknown Tag & Data";
            switch (e)
            {
                case DicomSequence s:
                    output.WriteLine($"{indent}{e.Tag} SQ (Sequence with {(s.UndefinedLength ? "undefined" : "explicit")} length #={s.Items.Count}) {keyword}");
                    int i = 0;
                    foreach (var item in s.Items)
                    {
                        output.WriteLine($"{indent}  (fffe,e000) na (Item with {(item.UndefinedLength ? "undefined" : "explicit")} length #={item.Count}) # item {++i}");
                        DumpDataset(item, output, depth + 2);
                        output.WriteLine($"{indent}  (fffe,e00d) na (ItemDelimitationItem)");
                    }
                    output.WriteLine($"{indent}(fffe,e0dd) na (SequenceDelimitationItem)");
                    break;
                case DicomFragmentSequence f:
                    output.WriteLine($"{indent}{e.Tag} {e.VR.Code()} (PixelSequence #={f.Fragments.Count + 1}) {keyword}");
                    output.WriteLine($"{indent}  (fffe,e000) pi (offset table, {f.OffsetTable.Length} bytes)");
                    foreach (var frag in f.Fragments)
                        output.WriteLine($"{indent}  (fffe,e000) pi (fragment, {frag.Length} bytes)");
                    output.WriteLine($"{indent}(fffe,e0dd) na (SequenceDelimitationItem)");
                    break;
                case DicomValueElement v:
                    output.WriteLine($"{indent}{e.Tag} {e.VR.Code()} {Describe(dataset, v),-40} # {v.Length,4},{dataset.ValueCount(e.Tag),2} {keyword}");
                    break;
            }
        }
    }

    private static string Describe(DicomDataset dataset, DicomValueElement v)
    {
        if (v.Length == 0) return "(no value available)";
        if (v.VR.IsString())
        {
            string text;
            try { text = dataset.GetString(v.Tag) ?? ""; }
            catch (DicomTextException) { return "(invalid text for the character set)"; }
            return "[" + Shorten(text) + "]";
        }
        if (v.VR is DicomVR.OB or DicomVR.UN or DicomVR.OW or DicomVR.OF or DicomVR.OD or DicomVR.OL or DicomVR.OV)
        {
            if (v.Value.IsDeferred || v.Length > 256) return $"(not loaded, {v.Length} bytes)";
            var mem = v.Value.GetMemory().Span;
            var sb = new StringBuilder();
            int unit = v.VR is DicomVR.OW ? 2 : 1;
            for (int i = 0; i + unit <= mem.Length && sb.Length < MaxShown; i += unit)
            {
                if (sb.Length > 0) sb.Append('\\');
                sb.Append(unit == 2 ? (mem[i] | (mem[i + 1] << 8)).ToString("x4", CultureInfo.InvariantCulture) : mem[i].ToString("x2", CultureInfo.InvariantCulture));
            }
            return Shorten(sb.ToString());
        }
        return Shorten(string.Join('\\', dataset.GetStrings(v.Tag)));
    }

    private static string Shorten(string s) => s.Length <= MaxShown ? s : s[..MaxShown] + "...";
}
