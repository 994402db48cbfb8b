using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Enamel.Server.Operations;

/// <summary>
/// Aggregates the server's own meter (<see cref="EnamelMetrics"/>) through a <see cref="MeterListener"/> and writes it in
/// the Prometheus text exposition format 0.0.4: counters as <c>_total</c>, gauges, histograms as cumulative
/// <c>_bucket{le=…}</c> with <c>_sum</c> and <c>_count</c>. Only instruments of that one meter are listened to (tests run
/// several servers in one process; the framework's own meters are not exported).
/// </summary>
public sealed class PrometheusExposition : IDisposable
{
    /// <summary>Latency buckets in seconds: from a cached QIDO answer to a large STOW.</summary>
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly MeterListener listener = new();
    private readonly Lock gate = new();
    private readonly Dictionary<Instrument, Series> series = [];

    public PrometheusExposition(EnamelMetrics metrics)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (!ReferenceEquals(instrument.Meter, metrics.Meter)) return;
            lock (gate) series[instrument] = new Series(instrument);
            l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        listener.Start();
    }

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The exposition text: observable instruments are read now, everything else is the running totals.</summary>
    public string Render()
    {
        listener.RecordObservableInstruments();
        var text = new StringBuilder();
        lock (gate)
            foreach (var s in series.Values.OrderBy(s => s.Instrument.Name, StringComparer.Ordinal)) s.WriteTo(text);
        return text.ToString();
    }

    public void Dispose() => listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        lock (gate)
            if (series.TryGetValue(instrument, out var s)) s.Add(labels, value);
    }

    /// <summary>Label text in a fixed order (sorted by name), values escaped as the format requires.</summary>
    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var pairs = new List<KeyValuePair<string, object?>>(tags.Length);
        foreach (var t in tags) pairs.Add(t);
        pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return string.Join(',', pairs.Select(p => $"{p.Key}=\"{Escape(Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? "")}\""));
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Number(double v) => double.IsPositiveInfinity(v) ? "+Inf" : v.ToString("R", CultureInfo.InvariantCulture);

    private sealed class Series(Instrument instrument)
    {
        private readonly Dictionary<string, double> values = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (long[] Buckets, double Sum, long Count)> histograms = new(StringComparer.Ordinal);

        public Instrument Instrument => instrument;

        private bool IsHistogram => instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>);
        private bool IsCounter => instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() is var d
            && (d == typeof(Counter<>) || d == typeof(ObservableCounter<>));
        private bool IsObservable => instrument.IsObservable;

        public void Add(string labels, double value)
        {
            if (IsHistogram)
            {
                var h = histograms.TryGetValue(labels, out var existing) ? existing : (Buckets: new long[Buckets.Length], Sum: 0d, Count: 0L);
                for (int i = 0; i < Buckets.Length; i++) if (value <= Buckets[i]) h.Buckets[i]++;
                histograms[labels] = (h.Buckets, h.Sum + value, h.Count + 1);
            }
            else if (IsObservable) values[labels] = value; // the value observed now
            else values[labels] = values.GetValueOrDefault(labels) + value;
        }

        public void WriteTo(StringBuilder text)
        {
            var name = instrument.Name;
            var kind = IsHistogram ? "histogram" : IsCounter ? "counter" : "gauge";
            if (kind == "counter") name += "_total";
            text.Append("# HELP ").Append(name).Append(' ').Append((instrument.Description ?? "").Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(kind).Append('\n');
            if (IsHistogram)
            {
                foreach (var (labels, h) in histograms.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var prefix = labels.Length > 0 ? labels + "," : "";
                    for (int i = 0; i < Buckets.Length; i++)
                        text.Append(name).Append("_bucket{").Append(prefix).Append("le=\"").Append(Number(Buckets[i])).Append("\"} ").Append(h.Buckets[i]).Append('\n');
                    text.Append(name).Append("_bucket{").Append(prefix).Append("le=\"+Inf\"} ").Append(h.Count).Append('\n');
                    text.Append(name).Append("_sum").Append(Braced(labels)).Append(' ').Append(Number(h.Sum)).Append('\n');
                    text.Append(name).Append("_count").Append(Braced(labels)).Append(' ').Append(h.Count).Append('\n');
                }
                return;
            }
            foreach (var (labels, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
                text.Append(name).Append(Braced(labels)).Append(' ').Append(Number(value)).Append('\n');
        }

        private static string Braced(string labels) => labels.Length > 0 ? "{" + labels + "}" : "";
    }
}
