namespace Enamel.Cli;

/// <summary>Exit codes, in the spirit of dcmtk's: 0 success, 1 bad usage, 2 unreadable input, 3 invalid content, 4 cannot write output, 5 network, 6 not authorized by the access policy.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Usage = 1;
    public const int InputError = 2;
    public const int Invalid = 3;
    public const int OutputError = 4;
    public const int NetworkError = 5;
    public const int NotAuthorized = 6;
}
