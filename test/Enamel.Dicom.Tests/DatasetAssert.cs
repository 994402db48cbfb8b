using Xunit;

namespace Enamel.Dicom.Tests;

/// <summary>Element-for-element comparison of datasets, with the tag path of the first difference.</summary>
public static class DatasetAssert
{
    public static void Equal(DicomDataset expected, DicomDataset actual, string path = "")
    {
        var e = expected.Where(x => !x.Tag.IsGroupLength).ToList();
        var a = actual.Where(x => !x.Tag.IsGroupLength).ToList();
        Assert.True(e.Select(x => x.Tag).SequenceEqual(a.Select(x => x.Tag)),
            $"{path}: tags differ: expected [{string.Join(" ", e.Select(x => x.Tag))}] actual [{string.Join(" ", a.Select(x => x.Tag))}]");
        for (int i = 0; i < e.Count; i++)
        {
            var here = path + e[i].Tag;
            switch (e[i], a[i])
            {
                case (DicomValueElement ev, DicomValueElement av):
                    Assert.True(ev.VR == av.VR || ev.VR == DicomVR.UN || av.VR == DicomVR.UN, $"{here}: VR {ev.VR} vs {av.VR}");
                    var eb = ev.Value.GetMemory().ToArray();
                    var ab = av.Value.GetMemory().ToArray();
                    Assert.True(eb.AsSpan().SequenceEqual(ab) || Trimmed(eb).SequenceEqual(Trimmed(ab)), $"{here}: values differ");
                    break;
                case (DicomSequence es, DicomSequence @as):
                    Assert.True(es.Items.Count == @as.Items.Count, $"{here}: {es.Items.Count} vs {@as.Items.Count} items");
                    for (int j = 0; j < es.Items.Count; j++) Equal(es.Items[j], @as.Items[j], $"{here}[{j}]>");
                    break;
                case (DicomFragmentSequence ef, DicomFragmentSequence af):
                    Assert.True(ef.Fragments.Count == af.Fragments.Count, $"{here}: fragment count");
                    for (int j = 0; j < ef.Fragments.Count; j++)
                        Assert.True(Trimmed(ef.Fragments[j].GetMemory().ToArray()).SequenceEqual(Trimmed(af.Fragments[j].GetMemory().ToArray())), $"{here}: fragment {j}");
                    break;
                default:
                    Assert.Fail($"{here}: element kinds differ ({e[i].GetType().Name} vs {a[i].GetType().Name})");
                    break;
            }
        }
    }

    private static byte[] Trimmed(byte[] b) => b.Reverse().SkipWhile(x => x is 0 or 0x20).Reverse().ToArray();
}
