namespace Enamel.Core.Access;

/// <summary>What a clinic code (as in <c>Enamel:Clinic</c>, <c>--clinic</c>, <c>?clinic=</c>) may look like.</summary>
public static class ClinicCode
{
    public const string Rule = "1-64 characters, no spaces";

    public static bool IsValid(string code) => code.Length is > 0 and <= 64 && !code.Any(char.IsWhiteSpace);
}
