using Enamel.Core.Access;

namespace Enamel.Core.Audit;

/// <summary>The kinds of object an audit entry names.</summary>
public enum AuditObjectKind
{
    /// <summary>Text this code does not classify (kept as it is).</summary>
    Other,
    /// <summary>An imaging study; <see cref="AuditObject.Id"/> is its Study Instance UID.</summary>
    Study,
    /// <summary>Some part of a patient's record, or a clinic-level resource, as the policy named it (category and detail).</summary>
    Record,
    User,
    ApiToken,
    Session,
    Role,
    MasterKey,
    BreakGlassGrant,
}

/// <summary>
/// What an audit entry is about: a kind and an id. <see cref="Text"/> is the form stored and hashed in the chain and
/// is exactly what earlier releases wrote ("user 0a1b…", "api token 9f…", "Imaging study 1.2.3"), so old entries still
/// verify; the factories format it and <see cref="Parse"/> reads it back, the only places that do.
/// </summary>
public sealed class AuditObject : IEquatable<AuditObject>
{
    private AuditObject(AuditObjectKind kind, string id, string text)
    {
        Kind = kind;
        Id = id;
        Text = text;
    }

    public AuditObjectKind Kind { get; }
    /// <summary>The object's id within its kind (a Study Instance UID, a user id, a role name; empty when the kind has one object).</summary>
    public string Id { get; }
    /// <summary>The stored (and hashed) form.</summary>
    public string Text { get; }

    public static AuditObject None { get; } = new(AuditObjectKind.Other, "", "");

    public static AuditObject User(string userId) => new(AuditObjectKind.User, userId, $"user {userId}");
    public static AuditObject ApiToken(string tokenId) => new(AuditObjectKind.ApiToken, tokenId, $"api token {tokenId}");
    public static AuditObject Session { get; } = new(AuditObjectKind.Session, "", "session");
    public static AuditObject Role(string name) => new(AuditObjectKind.Role, name, $"role {name}");
    public static AuditObject MasterKey { get; } = new(AuditObjectKind.MasterKey, "", "master key");
    /// <summary>A break-glass grant; null id for the request (the entry's detail names the grant).</summary>
    public static AuditObject BreakGlassGrant(string? grantId) =>
        new(AuditObjectKind.BreakGlassGrant, grantId ?? "", grantId is null ? "break-glass grant" : $"break-glass grant {grantId}");

    /// <summary>What the policy decided on: the operation's category and the resource's own words ("study 1.2.3", "cli users add").</summary>
    public static AuditObject Record(RecordCategory category, string detail) =>
        Parse(detail.Length > 0 ? $"{category} {detail}" : category.ToString());

    /// <summary>The object of a stored row (the one place text becomes an object).</summary>
    public static AuditObject Parse(string text)
    {
        static string After(string text, string prefix) => text[prefix.Length..];
        if (text.Length == 0) return None;
        if (text == "session") return Session;
        if (text == "master key") return MasterKey;
        if (text == "break-glass grant") return new(AuditObjectKind.BreakGlassGrant, "", text);
        if (text.StartsWith("break-glass grant ", StringComparison.Ordinal)) return new(AuditObjectKind.BreakGlassGrant, After(text, "break-glass grant "), text);
        if (text.StartsWith("api token ", StringComparison.Ordinal)) return new(AuditObjectKind.ApiToken, After(text, "api token "), text);
        if (text.StartsWith("user ", StringComparison.Ordinal)) return new(AuditObjectKind.User, After(text, "user "), text);
        if (text.StartsWith("role ", StringComparison.Ordinal)) return new(AuditObjectKind.Role, After(text, "role "), text);
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > 0 && Enum.TryParse<RecordCategory>(words[0], out var category) && category.ToString() == words[0])
        {
            // "<Category> study <Study Instance UID>": the study itself, whatever the category.
            if (words.Length == 3 && words[1] == "study") return new(AuditObjectKind.Study, words[2], text);
            return new(AuditObjectKind.Record, text[words[0].Length..].Trim(), text);
        }
        return new(AuditObjectKind.Other, text, text);
    }

    public static implicit operator AuditObject(string text) => Parse(text);

    public bool Equals(AuditObject? other) => other is not null && other.Text == Text;
    public override bool Equals(object? obj) => obj is AuditObject o && Equals(o);
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
    public static bool operator ==(AuditObject? a, AuditObject? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(AuditObject? a, AuditObject? b) => !(a == b);
    public override string ToString() => Text;
}
