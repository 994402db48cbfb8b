using System.Globalization;

namespace Enamel.Bench.Archive;

/// <summary>The comparison table: one row per metric, Enamel, Orthanc, the ratio and the aim.</summary>
internal sealed class Report
{
    private sealed record Row(string Metric, string Unit, double? Enamel, double? Orthanc, bool HigherIsBetter, string Aim, bool? Met);
    private readonly List<Row> rows = [];
    private readonly List<string> notes = [];

    public void Add(string metric, string unit, double? enamel, double? orthanc, bool higherIsBetter, string aim = "", bool? met = null) =>
        rows.Add(new Row(metric, unit, enamel, orthanc, higherIsBetter, aim, met));

    public void Note(string note) { notes.Add(note); Console.WriteLine("  note: " + note); }

    public void Print(TextWriter w)
    {
        w.WriteLine();
        w.WriteLine($"| {"metric",-46} | {"unit",-7} | {"Enamel",10} | {"Orthanc",10} | {"Enamel adv.",11} | {"aim",-28} | met |");
        w.WriteLine($"|{new string('-', 48)}|{new string('-', 9)}|{new string('-', 12)}|{new string('-', 12)}|{new string('-', 13)}|{new string('-', 30)}|-----|");
        foreach (var r in rows)
        {
            string ratio = r.Enamel is { } e && r.Orthanc is { } o && e > 0 && o > 0
                ? (r.HigherIsBetter ? e / o : o / e).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "";
            string met = r.Met is null ? "" : r.Met.Value ? "yes" : "NO";
            w.WriteLine($"| {r.Metric,-46} | {r.Unit,-7} | {Fmt(r.Enamel),10} | {Fmt(r.Orthanc),10} | {ratio,11} | {r.Aim,-28} | {met,-3} |");
        }
        if (notes.Count > 0)
        {
            w.WriteLine();
            foreach (var n in notes) w.WriteLine("- " + n);
        }
    }

    private static string Fmt(double? v) => v switch
    {
        null => "n/a",
        double x when double.IsNaN(x) => "n/a",
        double x when x >= 100 => x.ToString("0", CultureInfo.InvariantCulture),
        double x when x >= 10 => x.ToString("0.0", CultureInfo.InvariantCulture),
        double x => x.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
