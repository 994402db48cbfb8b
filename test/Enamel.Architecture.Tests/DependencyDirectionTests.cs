using System.Reflection;
using System.Xml.Linq;

namespace Enamel.Architecture.Tests;

/// <summary>
/// Dependencies point one way: Dicom ← Core ← {Storage, Fhir} ← Server ← Cli. Read from the compiled assemblies'
/// references (what the code really uses) and from the project files (what a project may start to use).
/// </summary>
public sealed class DependencyDirectionTests
{
    /// <summary>Each of our assemblies (by assembly name; the CLI's is "enamel") and the ones of ours it may reference.</summary>
    public static TheoryData<string, string[]> Layers() => new()
    {
        { "Enamel.Dicom", [] },
        { "Enamel.Core", ["Enamel.Dicom"] },
        { "Enamel.Storage", ["Enamel.Dicom", "Enamel.Core"] },
        { "Enamel.Fhir", ["Enamel.Dicom", "Enamel.Core"] },
        { "Enamel.Server", ["Enamel.Dicom", "Enamel.Core", "Enamel.Storage", "Enamel.Fhir"] },
        { "enamel", ["Enamel.Dicom", "Enamel.Core", "Enamel.Storage", "Enamel.Fhir", "Enamel.Server"] },
    };

    private static readonly string[] Ours = ["Enamel.Dicom", "Enamel.Core", "Enamel.Storage", "Enamel.Fhir", "Enamel.Server", "enamel"];

    /// <summary>Third-party assemblies (name prefixes) a layer must not reference: the domain stays free of web, database and FHIR libraries.</summary>
    public static TheoryData<string, string[]> ForbiddenLibraries() => new()
    {
        { "Enamel.Dicom", ["Microsoft.AspNetCore", "Npgsql", "Microsoft.Data.Sqlite", "Hl7.Fhir", "Firely", "AWSSDK"] },
        { "Enamel.Core", ["Microsoft.AspNetCore", "Npgsql", "Microsoft.Data.Sqlite", "Hl7.Fhir", "Firely", "AWSSDK"] },
        { "Enamel.Storage", ["Microsoft.AspNetCore", "Hl7.Fhir", "Firely"] },
        { "Enamel.Fhir", ["Microsoft.AspNetCore", "Npgsql", "Microsoft.Data.Sqlite", "AWSSDK"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Assembly_ReferencesOfOurs_PointOnlyDownwards(string assembly, string[] allowed)
    {
        var wrong = References(assembly).Where(r => Ours.Contains(r) && r != assembly && !allowed.Contains(r)).ToList();
        Assert.True(wrong.Count == 0, $"{assembly} references {string.Join(", ", wrong)} against Dicom ← Core ← {{Storage, Fhir}} ← Server ← Cli");
    }

    [Theory]
    [MemberData(nameof(ForbiddenLibraries))]
    public void Assembly_ReferencesNoForbiddenLibrary(string assembly, string[] forbidden)
    {
        var wrong = References(assembly).Where(r => forbidden.Any(f => r.StartsWith(f, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(wrong.Count == 0, $"{assembly} references {string.Join(", ", wrong)}");
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Project_ProjectReferences_PointOnlyDownwards(string assembly, string[] allowed)
    {
        // The compiler drops references the code does not use; the project file shows the intent as well.
        var project = ProjectFile(assembly);
        var referenced = project.Descendants("ProjectReference").Select(p => Path.GetFileNameWithoutExtension((string)p.Attribute("Include")!))
            .Select(n => n == "Enamel.Cli" ? "enamel" : n).ToList();
        Assert.All(referenced, r => Assert.Contains(r, allowed));
    }

    [Theory]
    [MemberData(nameof(ForbiddenLibraries))]
    public void Project_PackageReferences_NoForbiddenLibrary(string assembly, string[] forbidden)
    {
        var project = ProjectFile(assembly);
        var packages = project.Descendants("PackageReference").Select(p => (string)p.Attribute("Include")!)
            .Concat(project.Descendants("FrameworkReference").Select(p => (string)p.Attribute("Include")!));
        var wrong = packages.Where(p => forbidden.Any(f => p.StartsWith(f, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(wrong.Count == 0, $"{assembly}'s project references {string.Join(", ", wrong)}");
    }

    [Fact]
    public void Layers_CoverEveryProjectUnderSrc()
    {
        var projects = Directory.GetFiles(Path.Combine(RepositoryRoot(), "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).Select(n => n == "Enamel.Cli" ? "enamel" : n).Order().ToList();
        Assert.Equal(Ours.Order(), projects!);
    }

    private static string[] References(string assembly)
    {
        var loaded = Assembly.Load(new AssemblyName(assembly));
        var names = loaded.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.NotEmpty(names); // every assembly references at least the runtime: an empty list means nothing was read
        return names;
    }

    private static XDocument ProjectFile(string assembly)
    {
        var name = assembly == "enamel" ? "Enamel.Cli" : assembly;
        return XDocument.Load(Path.Combine(RepositoryRoot(), "src", name, name + ".csproj"));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Enamel.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Enamel.slnx not found above " + AppContext.BaseDirectory);
    }
}
