namespace Enamel.Core.Patients;

/// <summary>How a patient verb ended; each edge maps it once (HTTP status, CLI exit code).</summary>
public enum PatientOutcome
{
    Done,
    /// <summary>The request is malformed or breaks a rule (bad check digit, unknown clinic, no identifier): nothing was written.</summary>
    Invalid,
    /// <summary>The policy refused (audited).</summary>
    Denied,
    /// <summary>No such record within the caller's reach (not found and not yours answer alike).</summary>
    NotFound,
    /// <summary>The record is taken or changed meanwhile (identifier of another patient, stale version, merged record).</summary>
    Conflict,
}

/// <summary>The answer of a patient verb: the outcome, a value when done, and a message that names the problem (never PHI of another patient).</summary>
public sealed record PatientAnswer<T>(PatientOutcome Outcome, T? Value, string Message)
{
    public bool Done => Outcome == PatientOutcome.Done;

    public static PatientAnswer<T> Ok(T value, string message = "") => new(PatientOutcome.Done, value, message);
    public static PatientAnswer<T> Fail(PatientOutcome outcome, string message) => new(outcome, default, message);

    /// <summary>A refusal with its code (<see cref="Problem"/>), so an edge can show it translated; <see cref="Message"/> is its English text.</summary>
    public static PatientAnswer<T> Fail(PatientOutcome outcome, PatientProblem problem) => new(outcome, default, problem.Text) { Problem = problem };

    /// <summary>This refusal as the answer of a verb of another type (outcome, message and problem kept).</summary>
    public PatientAnswer<TOther> Refused<TOther>() =>
        Problem is { } p ? PatientAnswer<TOther>.Fail(Outcome, p) : PatientAnswer<TOther>.Fail(Outcome, Message);

    /// <summary>The refusal's code and arguments, when the verb gave one (null: only <see cref="Message"/>).</summary>
    public PatientProblem? Problem { get; init; }
}
