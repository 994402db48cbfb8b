namespace Enamel.Storage.Sql.Migrations;

/// <summary>
/// The viewer's annotations and display settings, apart from the pixels: one row per instance (SOP Instance UID), the
/// set sealed under the instance's data key; in the clear only the instance UID, the version and when it was saved.
/// </summary>
public sealed class M0007_ViewerAnnotations : Migration
{
    public override int Version => 7;
    public override string Name => "Viewer annotations";

    public override string Sql(SqlDialect d) => """
        CREATE TABLE IF NOT EXISTS viewer_annotations (
            sop_uid TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            updated TEXT NOT NULL,
            sealed TEXT NOT NULL);
        """;
}
