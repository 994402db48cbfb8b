using Enamel.Core.Audit;
using Enamel.Core.Keys;
using Enamel.Storage.Crypto;
using Enamel.Storage.Sql.Patients;
using Enamel.Storage.Sql.Records;

namespace Enamel.Storage.Sql;

/// <summary>
/// Every SQL store of one database, opened in the one order the schema needs (study index, security, patients, entries) and wired
/// together; what the data folder, the CLI and the tests open.
/// </summary>
public sealed record SqlArchive(SqlStudyIndex Index, SqlSecurityStores Security, SqlPatientStore Patients, SqlRecordEntryStore Entries)
{
    /// <summary>Changes that commit together with their audit entries (the patient store attached).</summary>
    public SqlUnitOfWork Changes => Security.Changes;

    public static async Task<SqlArchive> OpenAsync(SqlDialect dialect, IKeyring keyring, AuditCheckpointSigner signer, TimeProvider time, string defaultClinic,
        CancellationToken ct)
    {
        var index = new SqlStudyIndex(dialect, time, defaultClinic);
        await index.InitializeAsync(ct);
        var security = new SqlSecurityStores(dialect, signer, time);
        await security.InitializeAsync(ct);
        var patients = await SqlPatientStore.OpenAsync(dialect, keyring, new FieldSealer(keyring, time), time, ct);
        index.AttachPatients(patients);
        security.Changes.PatientStore = patients;
        var entries = new SqlRecordEntryStore(dialect, patients.Sealer, patients.Blind, time);
        security.Changes.EntryStore = entries;
        return new SqlArchive(index, security, patients, entries);
    }
}
