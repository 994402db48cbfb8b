using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Core.Blobs;
using Enamel.Core.Keys;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Core.Studies;
using Enamel.Storage.Keys;
using Enamel.Storage.Sql;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Hosting;

/// <summary>
/// The object graph, wired once for `enamel serve` (<see cref="EnamelServer"/>) and every CLI command (AdminContext):
/// the storage adapters of an opened <see cref="DataFolder"/> as Core's ports (<see cref="AddEnamelStorage"/>), then
/// each domain's own registration (accounts, access, studies, patients, keys, records). Edges ask for ports and verbs, never for the
/// concrete stores.
/// </summary>
public static class EnamelServices
{
    public static IServiceCollection AddEnamel(this IServiceCollection services, EnamelOptions options, DataFolder folder, TimeProvider time)
    {
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddEnamelStorage(folder);
        services.AddEnamelAccounts(options.Accounts);
        services.AddEnamelAccess();
        services.AddEnamelStudies(options.IngestLimits(), options.KeepVersions);
        services.AddEnamelPatients();
        services.AddEnamelKeys();
        services.AddEnamelRecords();
        return services;
    }

    /// <summary>The data folder's adapters (SQL stores, blob store, keyring, master key) registered as Core's ports.</summary>
    public static IServiceCollection AddEnamelStorage(this IServiceCollection services, DataFolder folder)
    {
        var s = folder.Security;
        services.AddSingleton(folder);
        services.AddSingleton<IStudyIndex>(folder.Index);
        services.AddSingleton<IPatientStore>(folder.Patients);
        services.AddSingleton<IRecordEntryStore>(folder.Entries);
        services.AddSingleton<IBlobStore>(folder.Blobs);
        services.AddSingleton<IKeyring>(folder.Keyring);
        services.AddSingleton<IMasterKeyVault>(sp => new MasterKeyVault(folder.Master, folder.Keyring, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(folder.Secrets);
        services.AddSingleton(folder.AuditSigner);
        services.AddSingleton<IUserStore>(s.Users);
        services.AddSingleton<ISessionStore>(s.Sessions);
        services.AddSingleton<IApiTokenStore>(s.Tokens);
        services.AddSingleton<IPendingStepStore>(s.PendingSteps);
        services.AddSingleton<IRoleCatalog>(s.Roles);
        services.AddSingleton<IBreakGlassStore>(s.BreakGlass);
        services.AddSingleton<IAuditLog>(s.Audit);
        services.AddSingleton<IUnitOfWork>(s.Changes);
        services.AddSingleton<IRecordHistory>(new SqlRecordHistory(folder.Index.Dialect));
        services.AddSingleton<IAuditCheckpoints>(s.Audit);
        services.AddSingleton<Enamel.Core.Viewer.IViewerAnnotationStore>(sp =>
            new Enamel.Storage.Sql.Viewer.SqlViewerAnnotationStore(folder.Index.Dialect, folder.Patients.Sealer, s.Changes, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
