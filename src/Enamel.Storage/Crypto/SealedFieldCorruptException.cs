namespace Enamel.Storage.Crypto;

/// <summary>
/// A sealed column does not open: altered, truncated, copied from another row or column, or of an unknown version
/// (kind Corrupt: the HTTP edge answers a problem detail, the CLI exit code 9). Names no value.
/// </summary>
public sealed class SealedFieldCorruptException(string message, Exception? inner = null) : Enamel.Core.Errors.EnamelException(message, inner)
{
    public override Enamel.Core.Errors.ErrorKind Kind => Enamel.Core.Errors.ErrorKind.Corrupt;
}
