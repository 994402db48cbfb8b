using Enamel.Core.Access;

namespace Enamel.Core.Accounts;

/// <summary>An API token as stored: the SHA-256 of the secret, the operations it may be used for, its expiry and revocation.</summary>
public sealed record ApiTokenRecord(string Id, string Hash, string UserId, string Name, IReadOnlySet<Operation> Scope, DateTimeOffset Created, DateTimeOffset Expires)
{
    public DateTimeOffset? Revoked { get; init; }
}
