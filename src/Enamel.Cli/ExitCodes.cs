using Enamel.Core.Errors;

namespace Enamel.Cli;

/// <summary>
/// Exit codes, in the spirit of dcmtk's: 0 success, 1 bad usage, 2 unreadable input (or not found), 3 invalid content,
/// 4 cannot write output, 5 network or store unavailable, 6 not authorized by the access policy, 7 not an Enamel data
/// folder, 8 data whose key was destroyed (gone), 9 corrupt stored data, 10 conflict with the current state.
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Usage = 1;
    public const int InputError = 2;
    public const int Invalid = 3;
    public const int OutputError = 4;
    public const int NetworkError = 5;
    public const int NotAuthorized = 6;
    public const int NotADataFolder = 7;
    public const int Gone = 8;
    public const int Corrupt = 9;
    public const int Conflict = 10;

    /// <summary>The CLI's one mapping of Core's error kinds (applied by EnamelCommands to whatever a command lets escape).</summary>
    public static int For(EnamelException e) => e switch
    {
        Server.Hosting.NotADataFolderException => NotADataFolder,
        { Kind: ErrorKind.NotFound } => InputError,
        { Kind: ErrorKind.Invalid } => Invalid,
        { Kind: ErrorKind.Forbidden } => NotAuthorized,
        { Kind: ErrorKind.Gone } => Gone,
        { Kind: ErrorKind.Corrupt } => Corrupt,
        { Kind: ErrorKind.Conflict } => Conflict,
        _ => NetworkError,
    };
}
