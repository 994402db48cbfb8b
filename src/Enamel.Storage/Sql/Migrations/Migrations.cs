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
        // PLACEHOLDER on branch h2-viewer only: number 6 belongs to another branch's migration; replace this line with it when merging.
        new M0006_ReservedPlaceholder(),
        new M0007_ViewerAnnotations(),
    ];

    /// <summary>The schema version this code writes and understands.</summary>
    public static int Latest => All[^1].Version;
}

/// <summary>
/// Branch h2-viewer only: stands for migration 6, which another branch adds, so that the series 1, 2, 3 … has no gap and
/// M0007 runs here. It changes nothing. Delete this class and its line in <see cref="Migrations.All"/> when merging.
/// </summary>
internal sealed class M0006_ReservedPlaceholder : Migration
{
    public override int Version => 6;
    public override string Name => "Reserved (placeholder for another branch's migration 6)";
    public override string Sql(SqlDialect dialect) => "SELECT 1;";
}
