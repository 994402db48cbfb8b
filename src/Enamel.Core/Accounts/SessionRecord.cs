namespace Enamel.Core.Accounts;

/// <summary>A sign-in session as stored: only the SHA-256 of its 256-bit random id (the cookie value) is kept.</summary>
public sealed record SessionRecord(string IdHash, string UserId, DateTimeOffset Created, DateTimeOffset LastSeen, string Source)
{
    /// <summary>How the account page names the session to its owner: the first 64 bits of the hash (never the id itself).</summary>
    public string Reference => ReferenceOf(IdHash);

    public static string ReferenceOf(string idHash) => idHash[..16];
}
