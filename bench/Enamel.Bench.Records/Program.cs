// The clinical record at clinic-group scale (issue 13, item 15): seeds N patients with M record entries in a fresh
// SQLite (or PostgreSQL) archive with sealed fields, then measures, through the Core verbs with the real policy and its
// audit appends, what the FHIR API's searches and $everything cost, and create throughput.
//   dotnet run -c Release --project bench/Enamel.Bench.Records -- [--patients 10000] [--items 200000] [--queries 200] [--postgres CONNSTR] [--work DIR]
using System.Diagnostics;
using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.History;
using Enamel.Core.Insurance;
using Enamel.Core.Notes;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Core.Treatment;
using Enamel.Storage.Keys;
using Enamel.Storage.Sql;

int patients = 10_000, items = 200_000, queries = 200;
string? postgres = null, work = null;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--patients": patients = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--items": items = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--queries": queries = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--postgres": postgres = Next(); break;
        case "--work": work = Next(); break;
        default:
            Console.Error.WriteLine("usage: Enamel.Bench.Records [--patients N] [--items N] [--queries N] [--postgres CONNSTR] [--work DIR]");
            return 2;
    }
}
var ct = CancellationToken.None;
var root = work ?? Path.Combine(Path.GetTempPath(), "enamel-bench-records", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(root);
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; {Environment.ProcessorCount} cores; " +
    $"{patients:N0} patients, {items:N0} entries, {(postgres is null ? "SQLite" : "PostgreSQL")}");

var master = MasterKeyFile.OpenOrCreate(Path.Combine(root, "master.key"), TimeProvider.System);
var keyring = new FileKeyring(Path.Combine(root, "keys"), master, TimeProvider.System);
var dialect = postgres is null ? SqlDialect.Sqlite(Path.Combine(root, "index.db")) : SqlDialect.Postgres(postgres);
var archive = await SqlArchive.OpenAsync(dialect, keyring, new AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = new byte[32] }), TimeProvider.System, "main", ct);
var policy = new AccessPolicy(archive.Security.Roles, archive.Security.BreakGlass, archive.Security.Audit, TimeProvider.System);
var verbs = new RecordEntries(archive.Entries, archive.Patients, policy, archive.Changes, TimeProvider.System);
var dentist = new Actor("dr-bench", "dr", [RoleTable.Dentist], new HashSet<string> { "main" });

// ---- seed ------------------------------------------------------------------------------------------------------
var rng = new Random(13);
var keys = new long[patients];
var clock = Stopwatch.StartNew();
const int Batch = 500;
for (int p = 0; p < patients; p += Batch)
{
    await using var change = await archive.Changes.BeginAsync(ct);
    for (int k = p; k < Math.Min(patients, p + Batch); k++)
    {
        var demographics = new Demographics { Name = PatientName.Of($"Family{k}", $"Given{k}"), BirthDate = $"19{50 + k % 50}0{1 + k % 9}1{k % 9}", Sex = k % 2 == 0 ? "F" : "M" };
        var (_, key) = await change.Patients.AddAsync(new NewPatient("main", demographics, [new PatientIdentifier(IdentifierType.ChartNumber, "main", $"B{k:D6}")]),
            await keyring.CreateDataKeyAsync(ct), "desk", "registered", ct);
        keys[k] = key;
    }
    await change.CommitAsync(ct);
}
double patientSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"seeded {patients:N0} patients in {patientSeconds:F1} s ({patients / patientSeconds:F0}/s, {Batch} per transaction, a data key each)");

string[] teeth = [.. Teeth.All];
Coding[] conditions = [new(Coding.Snomed, "44054006", "Diabetes mellitus type 2"), new(Coding.Snomed, "38341003", "Hypertension"), new(Coding.Snomed, "195967001", "Asthma")];
EntryBody Body(int n) => (n % 20) switch
{
    0 or 1 => new Condition(conditions[rng.Next(conditions.Length)], n % 40 == 0 ? "resolved" : "active", $"20{10 + rng.Next(15)}-0{1 + rng.Next(9)}", "2026-01-10"),
    2 => new Allergy(new Coding(Coding.Snomed, "764146007", "Penicillin"), "allergy", "medication", rng.Next(5) == 0 ? "high" : "low", "rash", "active", "2015", "2026-01-10"),
    3 or 4 => new Medication(new Coding(Coding.RxNorm, "860975", "Metformin 500 MG"), "500 mg twice a day", "active", "2020-01-01", ""),
    5 => new Prescription(new Coding(Coding.RxNorm, "308191", "Amoxicillin 500 MG Oral Capsule"), "500 mg", "oral", "three times a day", 5, "15", "dr-bench", "2025-06-01"),
    6 => new Coverage("AXA", "Dental Plus", $"M{n}", "", "self", "2025-01-01", "2026-12-31"),
    7 or 8 or 9 => new ClinicalNote("Exam", $"Recall exam {n}: no new caries, gingiva healthy.", $"202{rng.Next(6)}-0{1 + rng.Next(9)}-1{rng.Next(9)}", "draft"),
    _ => new Procedure(new Coding(Coding.Snomed, "234723000", "Dental restoration"), teeth[rng.Next(32)], "MO", rng.Next(3) switch { 0 => "planned", 1 => "existing", _ => "completed" },
        $"202{rng.Next(6)}-0{1 + rng.Next(9)}-1{rng.Next(9)}", "dr-bench"),
};
clock.Restart();
int perPatient = Math.Max(1, items / Math.Max(1, patients));
int written = 0;
for (int p = 0; p < patients && written < items; p += Batch / perPatient + 1)
{
    await using var change = await archive.Changes.BeginAsync(ct);
    for (int k = p; k < Math.Min(patients, p + Batch / perPatient + 1) && written < items; k++)
        for (int e = 0; e < perPatient && written < items; e++, written++)
            await change.Entries.AddAsync(keys[k], Body(e), new VersionNote("dr-bench", "recorded"), ct);
    await change.CommitAsync(ct);
}
double entrySeconds = clock.Elapsed.TotalSeconds;

// ---- measure -----------------------------------------------------------------------------------------------------
Console.WriteLine($"loaded {written:N0} entries in {entrySeconds:F1} s");
Console.WriteLine();
Console.WriteLine($"| {"test",-82} | {"unit",-9} | {"Enamel",9} |");
Console.WriteLine($"|{new string('-', 84)}|{new string('-', 11)}|{new string('-', 11)}|");
var rows = new RowList();
rows.Add(("bulk load of entries (≈500 per transaction)", "entries/s", (written / entrySeconds).ToString("F0", CultureInfo.InvariantCulture)));

async Task<double[]> TimeAsync(int n, Func<int, Task> op)
{
    for (int w = 0; w < Math.Min(n < 20 ? 1 : 10, n); w++) await op(w); // warm-up
    var times = new double[n];
    for (int q = 0; q < n; q++)
    {
        var t = Stopwatch.GetTimestamp();
        await op(q);
        times[q] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
    }
    Array.Sort(times);
    return times;
}
double P(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
void Percentiles(string test, double[] t)
{
    rows.Add((test + ", p50", "ms", P(t, 0.50).ToString("F2", CultureInfo.InvariantCulture)));
    rows.Add((test + ", p99", "ms", P(t, 0.99).ToString("F2", CultureInfo.InvariantCulture)));
}
long Pick() => keys[rng.Next(patients)];
void Check<T>(PatientAnswer<T> a) { if (!a.Done) throw new InvalidOperationException($"{a.Outcome}: {a.Message}"); }

Percentiles("search Condition?patient=X", await TimeAsync(queries, async _ =>
    Check(await verbs.FindAsync(dentist, new EntryQuery([RecordKind.Condition], PatientReach.None) { PatientKey = Pick() }, Purpose.Treatment, ct))));
Percentiles("search Procedure?patient=X&date=ge2023", await TimeAsync(queries, async _ =>
    Check(await verbs.FindAsync(dentist, new EntryQuery([RecordKind.Procedure], PatientReach.None) { PatientKey = Pick(), DateFrom = "2023" }, Purpose.Treatment, ct))));
Percentiles("Patient/$everything", await TimeAsync(queries, async _ => Check(await verbs.EverythingAsync(dentist, Pick(), Purpose.Treatment, ct))));
Percentiles("search Condition?code=44054006&_count=50 (clinic-wide)", await TimeAsync(Math.Clamp(queries / 10, 3, 20), async _ =>
    Check(await verbs.FindAsync(dentist, new EntryQuery([RecordKind.Condition], PatientReach.None) { Code = "44054006", Limit = 50 }, Purpose.Treatment, ct))));
Percentiles("search AllergyIntolerance?_count=50 (clinic-wide, no code)", await TimeAsync(Math.Clamp(queries / 40, 3, 10), async _ =>
    Check(await verbs.FindAsync(dentist, new EntryQuery([RecordKind.Allergy], PatientReach.None) { Limit = 50 }, Purpose.Treatment, ct))));

int creates = Math.Min(500, queries * 2);
clock.Restart();
for (int c = 0; c < creates; c++)
    Check(await verbs.AddAsync(dentist, Pick(), Body(10), "recorded", Purpose.Treatment, null, ct));
rows.Add(("create through the verb (decision, sealed entry, version, audit: one transaction each)", "entries/s", (creates / clock.Elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture)));

Console.WriteLine();
Console.WriteLine($"- {written:N0} entries over {patients:N0} patients (~{perPatient} each), sealed under each patient's data key; one dentist of the clinic; every query decided and audited");
Console.WriteLine("- no peer: no FHIR server is installed here to run beside (HAPI needs a JVM image we do not have)");
if (work is null) Directory.Delete(root, recursive: true);
return 0;

/// <summary>The table's rows, each printed the moment it is measured (a long run shows what it has so far).</summary>
internal sealed class RowList
{
    public void Add((string Test, string Unit, string Value) row) => Console.WriteLine($"| {row.Test,-82} | {row.Unit,-9} | {row.Value,9} |");
}
