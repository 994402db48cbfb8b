using System.Diagnostics.CodeAnalysis;

namespace Enamel.Core.Access;

/// <summary>One action on one record category: the unit a role grants and a request asks for.</summary>
public readonly record struct Operation(RecordCategory Category, RecordAction Action)
{
    /// <summary>Every operation there is (10 categories × 6 actions).</summary>
    public static IReadOnlyList<Operation> All { get; } =
        [.. from c in Enum.GetValues<RecordCategory>() from a in Enum.GetValues<RecordAction>() select new Operation(c, a)];

    /// <summary>"Imaging:Read": the form stored in custom roles and token scopes.</summary>
    public override string ToString() => $"{Category}:{Action}";

    public static bool TryParse(string text, [NotNullWhen(true)] out Operation? operation)
    {
        operation = null;
        var parts = text.Split(':');
        if (parts.Length != 2
            || !Enum.TryParse<RecordCategory>(parts[0], ignoreCase: true, out var c) || !Enum.IsDefined(c)
            || !Enum.TryParse<RecordAction>(parts[1], ignoreCase: true, out var a) || !Enum.IsDefined(a))
            return false;
        operation = new Operation(c, a);
        return true;
    }

    public static Operation Parse(string text) => TryParse(text, out var op)
        ? op.Value : throw new FormatException($"'{text}' is not an operation (expected Category:Action, e.g. Imaging:Read)");
}
