namespace Enamel.Dicom.Tests;

/// <summary>Paths to the committed test corpus (test/TestData, copied next to the test assembly).</summary>
public static class TestFiles
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "TestData");
    public static string Sample(string name) => Path.Combine(Root, "samples", name);

    /// <summary>Every readable sample. no_meta.dcm is excluded: it starts with a stray byte that dcmtk and pydicom also reject.</summary>
    public static IEnumerable<object[]> ReadableSamples() =>
        Directory.GetFiles(Path.Combine(Root, "samples"), "*.dcm")
            .Select(Path.GetFileName)
            .Where(n => n != "no_meta.dcm")
            .Order(StringComparer.Ordinal)
            .Select(n => new object[] { n! });

    public static string NewTempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "enamel-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
