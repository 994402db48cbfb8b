using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.Keys;
using Enamel.Core.Viewer;
using Enamel.Storage.Sql;
using Enamel.Storage.Sql.Viewer;

namespace Enamel.Storage.Tests.Sql;

/// <summary>
/// The viewer's annotations on SQLite and a real PostgreSQL: saved and read back per instance, a stale version writes
/// nothing (and audits nothing), each save commits with its audit entry, nothing of the set is in the clear, and the set
/// opens only under its instance's data key.
/// </summary>
public abstract class ViewerAnnotationContract() : ArchiveContract("enamel-viewer-tests")
{
    private static readonly AnnotationSet Set = new(new DisplaySettings(40, 400, true, false, false, 90),
        [new Annotation("length", 1, [[1, 2], [3, 4]], ""), new Annotation("text", 1, [[5, 6]], "bone loss 36 distal")]);

    private static AuditEvent Audit(string detail) =>
        new(DateTimeOffset.UtcNow, "dr-1", "dentist", 1, AuditObject.Record(RecordCategory.Imaging, "instance 1.2.3"), AuditAction.Of(RecordAction.Create),
            AuditOutcome.Success, "TREAT", "test") { Detail = detail };

    private async Task<int> AuditCountAsync(SqlArchive a, string detail)
    {
        int n = 0;
        await foreach (var r in a.Security.Audit.ReadAsync(0, Ct)) if (r.Event.Detail == detail) n++;
        return n;
    }

    [Fact]
    public async Task Save_ReadBack_StaleRefused_Audited_AndSealedUnderTheInstanceKey()
    {
        var dialect = CreateDialect(Root);
        var a = await OpenArchiveAsync(dialect);
        var store = new SqlViewerAnnotationStore(dialect, a.Patients.Sealer, a.Changes, TimeProvider.System);
        var key = await Keyring.CreateDataKeyAsync(Ct);
        Assert.Null(await store.GetAsync("1.2.3", key, Ct));

        var v1 = await store.PutAsync("1.2.3", key, Set, 0, "dr-1", Audit("save 1"), Ct);
        Assert.NotNull(v1);
        Assert.Equal(1, v1.Version);
        var read = (await store.GetAsync("1.2.3", key, Ct))!;
        Assert.Equal((1, "dr-1"), (read.Version, read.AuthorId));
        Assert.Equal(Set.Display, read.Set.Display);
        Assert.Equal(["length", "text"], read.Set.Items.Select(i => i.Type));
        Assert.Equal("bone loss 36 distal", read.Set.Items[1].Text);
        Assert.Equal([3.0, 4.0], read.Set.Items[0].Points[1]);
        Assert.Equal(1, await AuditCountAsync(a, "save 1"));

        Assert.Null(await store.PutAsync("1.2.3", key, Set, 0, "dr-2", Audit("stale save"), Ct));
        Assert.Equal(0, await AuditCountAsync(a, "stale save"));
        Assert.Equal(2, (await store.PutAsync("1.2.3", key, Set with { Items = [] }, 1, "dr-2", Audit("save 2"), Ct))!.Version);
        Assert.Equal(3, (await store.PutAsync("1.2.3", key, Set, null, "dr-3", Audit("save 3"), Ct))!.Version);
        Assert.Null(await store.GetAsync("9.9.9", key, Ct));

        // Nothing in the clear; another key does not open it.
        await using (var c = dialect.CreateConnection())
        {
            await c.OpenAsync(Ct);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT sealed FROM viewer_annotations";
            var sealedText = (string)(await cmd.ExecuteScalarAsync(Ct))!;
            Assert.DoesNotContain("bone", sealedText, StringComparison.Ordinal);
            Assert.DoesNotContain("length", sealedText, StringComparison.Ordinal);
        }
        var other = await Keyring.CreateDataKeyAsync(Ct);
        await Assert.ThrowsAnyAsync<Exception>(() => store.GetAsync("1.2.3", other, Ct));
    }
}

public sealed class SqliteViewerAnnotationTests : ViewerAnnotationContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Sqlite(Path.Combine(folder, "index.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresViewerAnnotationTests(PostgresServer server) : ViewerAnnotationContract
{
    private string? database;

    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Postgres(database ??= server.CreateDatabase());
}
