using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Enamel.Dicom.Tests.IO;

/// <summary>Property: any dataset we can build survives write → read in every native transfer syntax.</summary>
public class RandomDatasetTests
{
    private static readonly DicomTransferSyntax[] Syntaxes =
    [
        DicomTransferSyntax.ImplicitVRLittleEndian, DicomTransferSyntax.ExplicitVRLittleEndian,
        DicomTransferSyntax.ExplicitVRBigEndian, DicomTransferSyntax.DeflatedExplicitVRLittleEndian,
    ];

    // Tags whose dictionary VR is unambiguous, so implicit VR reads them back with the same VR.
    private static readonly (DicomTag Tag, DicomVR VR)[] Simple =
    [
        (DicomTags.PatientName, DicomVR.PN), (DicomTags.PatientID, DicomVR.LO), (DicomTags.StudyDescription, DicomVR.LO),
        (DicomTags.Modality, DicomVR.CS), (DicomTags.StudyDate, DicomVR.DA), (DicomTags.StudyTime, DicomVR.TM),
        (DicomTags.SliceThickness, DicomVR.DS), (DicomTags.SeriesNumber, DicomVR.IS), (DicomTags.StudyInstanceUID, DicomVR.UI),
        (DicomTags.ImageComments, DicomVR.LT), (DicomTags.Rows, DicomVR.US), (DicomTags.Columns, DicomVR.US),
        (DicomTags.ReferencedFrameNumber, DicomVR.IS), (DicomTags.PixelSpacing, DicomVR.DS),
        (DicomTags.ImagePositionPatient, DicomVR.DS), (DicomTags.RecommendedDisplayFrameRateInFloat, DicomVR.FL),
        (DicomTags.EncapsulatedDocument, DicomVR.OB), (DicomTags.SimpleFrameList, DicomVR.UL),
    ];

    public static Arbitrary<DicomDataset> Datasets() => Gen.Sized(size => DatasetGen(Math.Min(size, 20), depth: 0)).ToArbitrary();

    private static Gen<DicomDataset> DatasetGen(int size, int depth) =>
        from count in Gen.Choose(0, Math.Max(1, size))
        from picks in Gen.ListOf(Gen.Choose(0, Simple.Length - 1), count)
        from seeds in Gen.ListOf(Gen.Choose(0, int.MaxValue), count)
        from nested in NestedGen(size, depth)
        from undefined in Gen.Elements(true, false)
        select Build(picks.ToArray(), seeds.ToArray(), nested, undefined);

    private static Gen<DicomDataset[]> NestedGen(int size, int depth) => depth >= 2
        ? Gen.Constant(Array.Empty<DicomDataset>())
        : Gen.Choose(0, 2).SelectMany(n => Gen.ArrayOf(DatasetGen(size / 2, depth + 1), n));

    private static DicomDataset Build(int[] picks, int[] seeds, DicomDataset[] nested, bool undefined)
    {
        var ds = new DicomDataset();
        for (int i = 0; i < picks.Length; i++)
        {
            var (tag, vr) = Simple[picks[i]];
            var rng = new Random(seeds[i]);
            if (vr.IsString())
                ds.SetString(tag, vr, RandomText(rng, vr));
            else
            {
                int unit = Math.Max(1, vr.UnitSize());
                var bytes = new byte[unit * rng.Next(0, 6)];
                rng.NextBytes(bytes);
                ds.SetBytes(tag, vr, bytes);
            }
        }
        if (nested.Length > 0) ds.Set(new DicomSequence(DicomTags.ReferencedImageSequence, nested, undefined));
        return ds;
    }

    private static string RandomText(Random rng, DicomVR vr)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return vr switch
        {
            DicomVR.DA => $"{rng.Next(1900, 2100):D4}{rng.Next(1, 13):D2}{rng.Next(1, 29):D2}",
            DicomVR.TM => $"{rng.Next(0, 24):D2}{rng.Next(0, 60):D2}{rng.Next(0, 60):D2}",
            DicomVR.DS => string.Join('\\', Enumerable.Range(0, rng.Next(1, 4)).Select(_ => (rng.NextDouble() * 1000).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))),
            DicomVR.IS => rng.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            DicomVR.UI => "1.2." + rng.Next(1, 99999) + "." + rng.Next(1, 99999),
            DicomVR.PN => "DOE^" + new string(Enumerable.Range(0, rng.Next(1, 10)).Select(_ => alphabet[rng.Next(26)]).ToArray()),
            DicomVR.LT => "Ünïcödé 牙科 " + rng.Next(),
            _ => new string(Enumerable.Range(0, rng.Next(0, 16)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray()),
        };
    }

    [Property(Arbitrary = [typeof(RandomDatasetTests)], MaxTest = 200)]
    public void WriteThenRead_AnySyntax_SameElements(DicomDataset dataset, byte syntaxPick)
    {
        var syntax = Syntaxes[syntaxPick % Syntaxes.Length];
        var ms = new MemoryStream();
        DicomFile.Create(dataset, syntax).Save(ms);
        ms.Position = 0;
        using var read = DicomFile.Open(ms);
        Assert.Equal(syntax.Uid, read.TransferSyntax.Uid);
        DatasetAssert.Equal(dataset, read.Dataset);
        foreach (var e in dataset.Where(e => e.VR.IsString()))
            Assert.Equal(dataset.GetString(e.Tag), read.Dataset.GetString(e.Tag));
    }
}
