namespace Enamel.Core.Errors;

/// <summary>
/// The few kinds of failure Core (and the adapters that implement its ports) raise. Each edge maps a kind once:
/// HTTP to a problem detail (<c>Server/Hosting/ErrorResponses</c>), DIMSE to a failure status with an error comment
/// (<c>Server/Dimse/DimseErrors</c>), the CLI to an exit code (<c>Cli/ExitCodes</c>). Messages name no patient data.
/// </summary>
public enum ErrorKind
{
    /// <summary>The thing asked for does not exist (or is beyond the actor's reach).</summary>
    NotFound,
    /// <summary>The change clashes with the current state (a duplicate name, a changed owner).</summary>
    Conflict,
    /// <summary>The input is not acceptable (bad value, malformed object).</summary>
    Invalid,
    /// <summary>The policy refused the actor.</summary>
    Forbidden,
    /// <summary>The data existed but can never be read again (its key was destroyed at the end of retention).</summary>
    Gone,
    /// <summary>Stored data failed its integrity check (a damaged blob, a stored object that no longer parses).</summary>
    Corrupt,
    /// <summary>A store or peer the operation needs is not reachable now; trying again later may work.</summary>
    Unavailable,
}

/// <summary>The one base of Core's error kinds; <see cref="Code"/> is a stable, machine-readable name of the error.</summary>
public abstract class EnamelException(string message, Exception? inner = null) : Exception(message, inner)
{
    public abstract ErrorKind Kind { get; }

    /// <summary>A short stable code, e.g. "key-destroyed", "not-found".</summary>
    public virtual string Code => Kind switch
    {
        ErrorKind.NotFound => "not-found",
        ErrorKind.Conflict => "conflict",
        ErrorKind.Invalid => "invalid",
        ErrorKind.Forbidden => "forbidden",
        ErrorKind.Gone => "gone",
        ErrorKind.Corrupt => "corrupt",
        _ => "unavailable",
    };
}

public sealed class NotFoundException(string message) : EnamelException(message)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
}

public sealed class ConflictException(string message) : EnamelException(message)
{
    public override ErrorKind Kind => ErrorKind.Conflict;
}

/// <summary>Bad input (a value out of range, a malformed name); the message says which and why.</summary>
public sealed class InvalidInputException(string message, Exception? inner = null) : EnamelException(message, inner)
{
    public override ErrorKind Kind => ErrorKind.Invalid;
}

/// <summary>The policy refused; the denial is already in the audit trail.</summary>
public sealed class ForbiddenException(string message) : EnamelException(message)
{
    public override ErrorKind Kind => ErrorKind.Forbidden;
}

public sealed class UnavailableException(string message, Exception? inner = null) : EnamelException(message, inner)
{
    public override ErrorKind Kind => ErrorKind.Unavailable;
}
