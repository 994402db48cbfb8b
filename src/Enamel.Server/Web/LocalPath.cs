using System.Buffers;
using System.Text;

namespace Enamel.Server.Web;

/// <summary>Where a sign-in may send the browser afterwards: only a path on this server (no open redirect).</summary>
internal static class LocalPath
{
    public const string Default = "/home";
    public const int MaxLength = 2000;

    /// <summary>
    /// <paramref name="candidate"/> when it is a plain local path ("/account", "/viewer?study=1"), otherwise
    /// <see cref="Default"/>. Refused: absolute URLs, scheme-relative "//host", "/\host" (browsers read "\" as "/"),
    /// control characters and whitespace (browsers strip them, turning "/\t/host" into "//host"), broken UTF-16, and
    /// anything over <see cref="MaxLength"/> characters once encoded. Characters outside ASCII are percent-encoded as UTF-8
    /// ("/é" → "/%C3%A9"): the result is always a valid header value, so the redirect that carries it cannot fail.
    /// </summary>
    public static string OrDefault(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > MaxLength || candidate[0] != '/') return Default;
        if (candidate.Length > 1 && candidate[1] is '/' or '\\') return Default;
        var path = new StringBuilder(candidate.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var rest = candidate.AsSpan(); !rest.IsEmpty;)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out int used) != OperationStatus.Done) return Default; // lone surrogate
            rest = rest[used..];
            if (rune.Value == '\\' || Rune.IsControl(rune) || Rune.IsWhiteSpace(rune)) return Default;
            if (rune.IsAscii)
            {
                path.Append((char)rune.Value);
                continue;
            }
            foreach (byte b in utf8[..rune.EncodeToUtf8(utf8)])
                path.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return path.Length > MaxLength ? Default : path.ToString();
    }
}
