using System.Data.Common;

namespace Enamel.Storage.Sql.Migrations;

/// <summary>
/// One step of the schema: <see cref="Version"/> (1, 2, 3 … in <see cref="Migrations.All"/>), a short <see cref="Name"/>
/// and its SQL for a dialect (differences through <see cref="SqlDialect"/> members). <see cref="MigrationRunner"/> runs
/// each in its own transaction together with its <c>schema_version</c> row. A migration is never edited once released:
/// a change is a new migration.
/// </summary>
public abstract class Migration
{
    public abstract int Version { get; }
    public abstract string Name { get; }

    /// <summary>The statements (DDL and data), run in one command inside the migration's transaction.</summary>
    public abstract string Sql(SqlDialect dialect);

    /// <summary>Steps that need code (reading the schema, data with parameters), run after <see cref="Sql"/> in the same transaction.</summary>
    public virtual Task AfterSqlAsync(MigrationContext context, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>What a migration's code step sees: the open connection and transaction, and the settings a data step may need.</summary>
public sealed record MigrationContext(DbConnection Connection, DbTransaction Transaction, SqlDialect Dialect, MigrationSettings Settings);

/// <summary>Settings the data steps of migrations use.</summary>
/// <param name="DefaultClinic">the clinic patients of a database from before clinics are put in (Enamel:Clinic)</param>
public sealed record MigrationSettings(string? DefaultClinic);
