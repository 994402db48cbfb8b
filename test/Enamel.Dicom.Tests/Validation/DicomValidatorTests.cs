using Enamel.Dicom.Validation;
using Xunit.Abstractions;

namespace Enamel.Dicom.Tests.Validation;

public sealed class DicomValidatorTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = TestFiles.NewTempDir();
    private int saved;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string> Kinds() => new(SyntheticObjects.Kinds);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Validate_ValidSyntheticObject_HasNoErrors(string kind)
    {
        using var file = SyntheticObjects.Create(kind);
        var report = DicomValidator.Validate(file);
        foreach (var f in report.Findings) output.WriteLine(f.ToString());
        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
        Assert.NotEqual(StandardIods.CommonModules.Name, report.IodName);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Validate_ValidSyntheticObject_DciodvfyAgreesThereAreNoErrors(string kind)
    {
        var lines = Dciodvfy.Run(Save(SyntheticObjects.Create(kind)));
        foreach (var l in lines) output.WriteLine(l);
        Assert.Empty(Dciodvfy.Errors(lines));
    }

    /// <summary>Every unconditional Type 1 attribute of the IOD's modules, removed on its own, gives its specific error; dciodvfy agrees it is required.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void Validate_Type1AttributeRemoved_ReportsItMissing(string kind)
    {
        using var valid = SyntheticObjects.Create(kind);
        var iod = StandardIods.ForSopClass(valid.Dataset.GetString(DicomTags.SOPClassUID))!;
        var type1 = iod.Modules.Where(m => m.Condition is null || m.Condition(valid.Dataset))
            .SelectMany(m => m.Module.Attributes)
            .Where(a => a.Type == AttributeType.Type1 || (a.Type == AttributeType.Type1C && a.Condition!(valid.Dataset)))
            .Select(a => a.Tag).Distinct().ToList();
        Assert.NotEmpty(type1);
        foreach (var tag in type1)
        {
            var broken = SyntheticObjects.Create(kind);
            Assert.True(broken.Dataset.Remove(tag), $"{kind}: the valid object lacks {tag}");
            var report = DicomValidator.Validate(broken);
            var expected = $"attribute {tag} {DicomDictionary.Find(tag)!.Name} is missing";
            Assert.Contains(report.Errors, f => f.Message.Contains(expected, StringComparison.Ordinal) && f.TagPath == tag.ToString());

            if (tag == DicomTags.SOPClassUID) continue; // without it dciodvfy cannot tell the IOD and says nothing
            // dciodvfy lets the SC Equipment module's Type 3 Modality stand in for General Series' Type 1; PS3.3 C.7.3.1 keeps it Type 1.
            if (kind == "SC" && tag == DicomTags.Modality) continue;
            var keyword = DicomDictionary.KeywordOf(tag);
            var peer = Dciodvfy.MissingAttributes(Dciodvfy.Run(Save(broken)));
            output.WriteLine($"{kind} without {keyword}: dciodvfy {string.Join(", ", peer.Select(p => $"{p.Keyword} type {p.Type} in {p.Module}"))}");
            Assert.Contains(peer, p => p.Keyword == keyword);
        }
    }

    /// <summary>Every unconditional Type 2 attribute, removed, is reported missing; dciodvfy agrees it is required.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void Validate_Type2AttributeRemoved_ReportsItMissing(string kind)
    {
        using var valid = SyntheticObjects.Create(kind);
        var iod = StandardIods.ForSopClass(valid.Dataset.GetString(DicomTags.SOPClassUID))!;
        var type2 = iod.Modules.Where(m => m.Condition is null || m.Condition(valid.Dataset))
            .SelectMany(m => m.Module.Attributes)
            .Where(a => a.Type == AttributeType.Type2 || (a.Type == AttributeType.Type2C && a.Condition!(valid.Dataset)))
            .Select(a => a.Tag).Distinct().ToList();
        foreach (var tag in type2)
        {
            var broken = SyntheticObjects.Create(kind);
            Assert.True(broken.Dataset.Remove(tag), $"{kind}: the valid object lacks {tag}");
            Assert.Contains(DicomValidator.Validate(broken).Errors, f => f.TagPath == tag.ToString() && f.Message.Contains("is missing", StringComparison.Ordinal));
            var keyword = DicomDictionary.KeywordOf(tag);
            var peer = Dciodvfy.MissingAttributes(Dciodvfy.Run(Save(broken)));
            output.WriteLine($"{kind} without {keyword}: dciodvfy {string.Join(", ", peer.Select(p => $"{p.Keyword} type {p.Type} in {p.Module}"))}");
            Assert.Contains(peer, p => p.Keyword == keyword);
        }
    }

    private string Save(DicomFile file)
    {
        var path = Path.Combine(dir, $"object{++saved}.dcm");
        file.Save(path);
        return path;
    }
}
