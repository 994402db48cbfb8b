using System.Diagnostics;
using System.Diagnostics.Metrics;
using Enamel.Core.Studies;

namespace Enamel.Server.Operations;

/// <summary>
/// The server's own instruments (System.Diagnostics.Metrics, meter "Enamel", one per server through IMeterFactory).
/// Labels are closed sets chosen here — route templates, methods, status codes, channels, outcomes — never a UID, a
/// patient, a user name, a query string or an AE title.
/// </summary>
public sealed class EnamelMetrics
{
    public const string MeterName = "Enamel";

    private readonly Counter<long> requests;
    private readonly Histogram<double> requestDuration;
    private readonly Counter<long> instancesStored;
    private readonly Counter<long> bytesStored;

    public EnamelMetrics(IMeterFactory factory)
    {
        Meter = factory.Create(new MeterOptions(MeterName));
        requests = Meter.CreateCounter<long>("enamel_http_requests", description: "HTTP requests answered, by route template, method and status code");
        requestDuration = Meter.CreateHistogram<double>("enamel_http_request_duration_seconds", unit: "s",
            description: "Time to answer an HTTP request, by route template and method");
        instancesStored = Meter.CreateCounter<long>("enamel_instances_stored",
            description: "DICOM instances through the ingest pipeline, by channel (stow, c-store) and outcome");
        bytesStored = Meter.CreateCounter<long>("enamel_stored_bytes", unit: "By",
            description: "Bytes of DICOM instances newly written to the archive, by channel");
    }

    public Meter Meter { get; }

    public void RecordRequest(string route, string method, int status, TimeSpan elapsed)
    {
        var tags = new TagList { { "route", route }, { "method", method } };
        requestDuration.Record(elapsed.TotalSeconds, tags);
        tags.Add("status", status);
        requests.Add(1, tags);
    }

    /// <summary>One instance's way through <see cref="StoreInstance"/>: <paramref name="bytes"/> counts only when a new blob was written.</summary>
    public void RecordStore(IngestChannel channel, StoreOutcome outcome, long bytes)
    {
        var name = channel == IngestChannel.Stow ? "stow" : "c-store";
        instancesStored.Add(1, new TagList { { "channel", name }, { "outcome", Name(outcome) } });
        if (outcome == StoreOutcome.Stored && bytes > 0) bytesStored.Add(bytes, new TagList { { "channel", name } });
    }

    public static StoreOutcome Outcome(StoreStatus status) => status switch
    {
        StoreStatus.Stored or StoreStatus.StoredFlaggedForReview or StoreStatus.StoredNewVersion => StoreOutcome.Stored,
        StoreStatus.AlreadyStored => StoreOutcome.AlreadyStored,
        StoreStatus.Conflict => StoreOutcome.Conflict,
        StoreStatus.Refused => StoreOutcome.Refused,
        _ => StoreOutcome.Mismatch,
    };

    private static string Name(StoreOutcome outcome) => outcome switch
    {
        StoreOutcome.Stored => "stored",
        StoreOutcome.AlreadyStored => "already-stored",
        StoreOutcome.Conflict => "conflict",
        StoreOutcome.Refused => "refused",
        StoreOutcome.Mismatch => "study-mismatch",
        StoreOutcome.Invalid => "invalid",
        _ => "failed",
    };

    /// <summary>Observes a value at each scrape (queue depths, open associations).</summary>
    public void Observe(string name, string description, Func<long> value) => Meter.CreateObservableGauge(name, value, description: description);
}

/// <summary>Where an instance entered the archive (a metrics label). Imports run in the CLI's own process and have no scrape endpoint.</summary>
public enum IngestChannel { Stow, CStore }

/// <summary>How an instance's store ended (a metrics label).</summary>
public enum StoreOutcome { Stored, AlreadyStored, Conflict, Refused, Mismatch, Invalid, Failed }
