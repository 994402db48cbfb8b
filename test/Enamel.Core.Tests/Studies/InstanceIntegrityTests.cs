using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.TestShared;

namespace Enamel.Core.Tests.Studies;

/// <summary>The structural check run before every acknowledgement and by <c>enamel verify</c>.</summary>
public class InstanceIntegrityTests
{
    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "samples", name);

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "samples"), "*.dcm").Order())
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void EverySample_WithPart10Header_IsSound(string name)
    {
        var bytes = File.ReadAllBytes(Sample(name));
        if (bytes.Length < 132 || bytes[128] != 'D' || bytes[129] != 'I') return; // bare datasets are not stored
        Assert.Null(InstanceIntegrity.Check(new MemoryStream(bytes), IngestLimits.Default));
    }

    [Theory]
    [InlineData("pixel-data-past-the-end", "past the end")]
    [InlineData("trailing-garbage", "")]
    [InlineData("absurd-meta-group-length", "")]
    [InlineData("pixel-data-shorter-than-the-image", "Pixel Data holds 1000 bytes")]
    [InlineData("unknown-transfer-syntax", "not one the standard defines")]
    public void CorruptVariant_IsRefusedWithAReason(string variant, string says)
    {
        var bytes = ProbeObjects.CorruptVariants(File.ReadAllBytes(Sample("CT_small.dcm")))[variant];
        var reason = InstanceIntegrity.Check(new MemoryStream(bytes), IngestLimits.Default);
        Assert.NotNull(reason);
        Assert.Contains(says, reason);
    }

    [Fact]
    public void EncapsulatedFirstFragmentNotJpeg2000_IsRefused()
    {
        var bytes = ProbeObjects.BadFirstFragment(File.ReadAllBytes(Sample("JPEG2000.dcm")));
        Assert.Contains("JPEG 2000", InstanceIntegrity.Check(new MemoryStream(bytes), IngestLimits.Default));
    }

    [Fact]
    public void DeflateBomb_IsRefusedAtTheInflatedLimit_WithBoundedMemory()
    {
        var bomb = ProbeObjects.DeflateBomb();
        Assert.True(bomb.Length < 2 * 1024 * 1024, $"the bomb is {bomb.Length} bytes on the wire");
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var reason = InstanceIntegrity.Check(new MemoryStream(bomb), IngestLimits.Default);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.NotNull(reason);
        Assert.Contains("inflates to more than the limit", reason);
        Assert.True(allocated < 300L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MiB reading a deflate bomb");
    }
}
