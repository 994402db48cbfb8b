namespace Enamel.Core.Patients;

/// <summary>
/// Why a patient verb refused: a stable <see cref="Code"/> and its <see cref="Args"/> (strings, or a nested problem such
/// as an identifier's name) for edges that show it translated — the web pages look up "Verb.&lt;Code&gt;" in their
/// resources — and <see cref="Text"/>, the English sentence the JSON API and the CLI show. Names no patient data.
/// </summary>
public sealed record PatientProblem(string Code, string Text, params object[] Args)
{
    public override string ToString() => Text;

    internal static PatientProblem Of(string code, string text, params object[] args) => new(code, text, args);
}
