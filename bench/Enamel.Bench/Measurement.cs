namespace Enamel.Bench;

/// <summary>One timed pass: how many files and bytes in how long, and the peak resident memory when known.</summary>
internal sealed record Measurement(string Tool, string Task, int Files, long Bytes, double Seconds, long? PeakRssBytes = null, string? Note = null)
{
    public double FilesPerSecond => Files / Seconds;
    public double MegabytesPerSecond => Bytes / 1e6 / Seconds;
}
