using Enamel.Dicom.Validation;
using Xunit.Abstractions;

namespace Enamel.Dicom.Tests.Validation;

/// <summary>
/// On real samples, and on copies with one top-level attribute removed, every attribute dciodvfy reports as a
/// missing Type 1 or 2 attribute (or 1C/2C of an attribute our tables list) is reported missing by us too.
/// </summary>
public sealed class DciodvfyComparisonTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = TestFiles.NewTempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small.dcm")]
    public void Validate_SampleAndEachAttributeRemoved_ReportsEveryMissingAttributeDciodvfyReports(string sample)
    {
        using var original = DicomFile.Open(TestFiles.Sample(sample));
        var iod = StandardIods.ForSopClass(original.Dataset.GetString(DicomTags.SOPClassUID))!;
        var listed = iod.Modules.SelectMany(m => m.Module.Attributes).Select(a => a.Tag).ToHashSet();
        var removable = original.Dataset.Select(e => e.Tag)
            .Where(t => !t.IsPrivate && !t.IsGroupLength && t != DicomTags.SOPClassUID).ToList();

        int compared = 0;
        foreach (DicomTag? removed in removable.Cast<DicomTag?>().Prepend(null))
        {
            using var file = DicomFile.Open(TestFiles.Sample(sample));
            if (removed is { } tag) file.Dataset.Remove(tag);
            var path = Path.Combine(dir, $"{removed?.Value:X8}.dcm");
            file.Save(path);

            var peer = Dciodvfy.MissingAttributes(Dciodvfy.Run(path));
            var ours = DicomValidator.Validate(file).Errors.Where(f => f.Message.Contains(" is missing", StringComparison.Ordinal))
                .Select(f => f.TagPath).ToHashSet();
            foreach (var (type, keyword, module) in peer)
            {
                var entry = DicomDictionary.FindByKeyword(keyword);
                Assert.NotNull(entry);
                bool mustMatch = type is "1" or "2" || listed.Contains(entry.Tag);
                output.WriteLine($"{sample} without {removed}: dciodvfy missing {keyword} (type {type}, {module}); ours {(ours.Contains(entry.Tag.ToString()) ? "too" : "not")}");
                if (!mustMatch) continue;
                Assert.True(ours.Contains(entry.Tag.ToString()),
                    $"{sample} without {removed}: dciodvfy reports {keyword} {entry.Tag} (Type {type}, Module {module}) missing; we do not");
                compared++;
            }
        }
        Assert.True(compared > 10, $"only {compared} dciodvfy findings were compared");
    }
}
