namespace Enamel.Storage.Sql.Migrations;

/// <summary>
/// The schema, in order: every migration once, versions 1, 2, 3 … without gaps (a test checks). Add a migration as
/// the next file <c>M000N_Name.cs</c> and one line here.
/// </summary>
public static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new M0001_Baseline(),
        new M0002_Patients(),
        new M0003_RecordVersions(),
        new M0004_RecordEntries(),
        new M0005_RecordEntryIndexes(),
    ];

    /// <summary>The schema version this code writes and understands.</summary>
    public static int Latest => All[^1].Version;
}
