using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Enamel.Server.Web;

/// <summary>
/// A piece of markup that is safe to send. Built only from <see cref="HtmlBuilder"/> interpolation, which HTML-encodes
/// every value that is not itself <see cref="Html"/>: <c>Html.Of($"&lt;p&gt;{user.DisplayName}&lt;/p&gt;")</c>.
/// </summary>
internal readonly record struct Html(string Value)
{
    public static Html Empty { get; } = new("");

    public static Html Of(HtmlBuilder builder) => new(builder.Build());

    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p.Value)));

    public static Html When(bool condition, HtmlBuilder builder) => condition ? new(builder.Build()) : Empty;

    /// <summary>"2026-03-02 09:00 UTC".</summary>
    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public override string ToString() => Value;
}

/// <summary>Interpolation handler: literals pass through, <see cref="Html"/> holes pass through, every other hole is HTML-encoded.</summary>
[InterpolatedStringHandler]
internal readonly struct HtmlBuilder
{
    private readonly StringBuilder sb;

    public HtmlBuilder(int literalLength, int formattedCount) => sb = new StringBuilder(literalLength + formattedCount * 16);

    public void AppendLiteral(string literal) => sb.Append(literal);

    public void AppendFormatted(Html html) => sb.Append(html.Value);

    public void AppendFormatted<T>(T value) =>
        sb.Append(HtmlEncoder.Default.Encode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));

    internal string Build() => sb.ToString();
}
