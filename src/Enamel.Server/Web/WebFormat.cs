using System.Globalization;

namespace Enamel.Server.Web;

/// <summary>How the pages write values that are not text of ours.</summary>
public static class WebFormat
{
    /// <summary>"2026-03-02 09:00 UTC": the same in every language.</summary>
    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
