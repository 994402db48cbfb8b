namespace Enamel.Server.Web;

/// <summary>Where a sign-in may send the browser afterwards: only a path on this server (no open redirect).</summary>
internal static class LocalPath
{
    public const string Default = "/account";

    /// <summary>
    /// <paramref name="candidate"/> when it is a plain local path ("/account", "/viewer?study=1"), otherwise
    /// <see cref="Default"/>. Refused: absolute URLs, scheme-relative "//host", "/\host" (browsers read "\" as "/"),
    /// control characters and whitespace (browsers strip them, turning "/\t/host" into "//host"), and anything over 2000 characters.
    /// </summary>
    public static string OrDefault(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > 2000 || candidate[0] != '/') return Default;
        if (candidate.Length > 1 && candidate[1] is '/' or '\\') return Default;
        foreach (char c in candidate)
            if (c == '\\' || char.IsControl(c) || char.IsWhiteSpace(c)) return Default;
        return candidate;
    }
}
