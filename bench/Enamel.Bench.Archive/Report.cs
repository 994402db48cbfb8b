using System.Globalization;

namespace Enamel.Bench.Archive;

/// <summary>
/// The comparison table: one row per metric with Enamel, Orthanc, their ratio (Enamel ÷ Orthanc, so above 1 means
/// Enamel is higher: better for throughput, worse for latency, CPU and memory), issue 12's target and whether it is met;
/// then the machine's own limits measured in the same run, and notes.
/// </summary>
internal sealed class Report
{
    private sealed record Row(string Metric, string Unit, double? Enamel, double? Orthanc, string Aim, bool? Met);
    private readonly List<Row> rows = [];
    private readonly List<(string Name, string Unit, double Value)> limits = [];
    private readonly List<string> notes = [];

    public void Add(string metric, string unit, double? enamel, double? orthanc, string aim = "", bool? met = null)
    {
        rows.Add(new Row(metric, unit, enamel, orthanc, aim, met));
        Console.WriteLine($"  => {metric}: Enamel {Fmt(enamel)} {unit}, Orthanc {Fmt(orthanc)} {unit}, ratio {Ratio(enamel, orthanc)}{(aim.Length > 0 ? $", aim {aim}: {MetText(met)}" : "")}");
    }

    /// <summary>A row with a target relative to Orthanc: met when <c>enamel ≥ factor × orthanc</c> (throughput) or <c>enamel ≤ factor × orthanc</c> (time, CPU).</summary>
    public void Relative(string metric, string unit, double? enamel, double? orthanc, bool higherIsBetter, double factor, string aim) =>
        Add(metric, unit, enamel, orthanc, aim,
            enamel is { } e && orthanc is { } o && !double.IsNaN(e) && !double.IsNaN(o) ? (higherIsBetter ? e >= factor * o : e <= factor * o) : null);

    public void Limit(string name, string unit, double value)
    {
        limits.Add((name, unit, value));
        Console.WriteLine($"  => {name}: {Fmt(value)} {unit}");
    }

    public void Note(string note) { notes.Add(note); Console.WriteLine("  note: " + note); }

    public void Print(TextWriter w)
    {
        w.WriteLine();
        w.WriteLine($"| {"test",-52} | {"unit",-8} | {"Enamel",9} | {"Orthanc",9} | {"ratio",7} | {"target (issue 12)",-34} | met |");
        w.WriteLine($"|{new string('-', 54)}|{new string('-', 10)}|{new string('-', 11)}|{new string('-', 11)}|{new string('-', 9)}|{new string('-', 36)}|-----|");
        foreach (var r in rows)
            w.WriteLine($"| {r.Metric,-52} | {r.Unit,-8} | {Fmt(r.Enamel),9} | {Fmt(r.Orthanc),9} | {Ratio(r.Enamel, r.Orthanc),7} | {r.Aim,-34} | {MetText(r.Met),-3} |");
        if (limits.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Machine limits, same run:");
            w.WriteLine();
            w.WriteLine($"| {"limit",-52} | {"unit",-8} | {"value",9} |");
            w.WriteLine($"|{new string('-', 54)}|{new string('-', 10)}|{new string('-', 11)}|");
            foreach (var (name, unit, value) in limits) w.WriteLine($"| {name,-52} | {unit,-8} | {Fmt(value),9} |");
        }
        if (notes.Count > 0)
        {
            w.WriteLine();
            foreach (var n in notes) w.WriteLine("- " + n);
        }
    }

    private static string MetText(bool? met) => met is null ? "" : met.Value ? "yes" : "NO";

    private static string Ratio(double? enamel, double? orthanc) =>
        enamel is { } e && orthanc is { } o && e > 0 && o > 0 ? (e / o).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "";

    public static string Fmt(double? v) => v switch
    {
        null => "n/a",
        double x when double.IsNaN(x) => "n/a",
        double x when x >= 100 => x.ToString("#,0", CultureInfo.InvariantCulture),
        double x when x >= 10 => x.ToString("0.0", CultureInfo.InvariantCulture),
        double x => x.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
