using Enamel.Core.Audit;
using Enamel.Core.Errors;

namespace Enamel.Core.Access;

/// <summary>
/// Defines or redefines a custom role (Settings:Create): a name of lower-case letters, digits and '-', never a built-in
/// name; a reach of clinic patients (staff) or clinic only (no patient records) — patient and external-recipient reach
/// come from the patient's own account and from consented shares, never from a custom role.
/// </summary>
public sealed class DefineRole(IRoleCatalog roles, AccessPolicy policy, IAuditLog audit, TimeProvider time)
{
    public static readonly Operation Operation = new(RecordCategory.Settings, RecordAction.Create);

    /// <summary>Raises <see cref="InvalidInputException"/> for a bad name or reach, <see cref="ConflictException"/> for a built-in name, <see cref="ForbiddenException"/> when the policy refuses.</summary>
    public async Task<Role> ExecuteAsync(Actor actor, string clinic, string name, IReadOnlySet<Operation> operations, RoleReach reach, string? description, CancellationToken ct)
    {
        if (!IsValidName(name)) throw new InvalidInputException($"'{name}' is not a role name (1-40 lower-case letters, digits, '-')");
        if (reach is not (RoleReach.ClinicPatients or RoleReach.ClinicOnly)) throw new InvalidInputException("a custom role reaches clinic patients or the clinic only");
        if (RoleTable.BuiltIn.ContainsKey(name)) throw new ConflictException($"'{name}' is a built-in role and cannot be redefined");
        var decision = await policy.DecideAsync(actor, Operation, ResourceScope.ForClinic(clinic, $"role {name}"), Purpose.Operations, ct);
        if (!decision.Allowed) throw new ForbiddenException($"may not define roles ({decision.Rule})");

        var role = new Role(name, description ?? name, reach, operations, BuiltIn: false);
        // The change and its audit entry, together.
        await roles.SaveCustomAsync(role, ct);
        await audit.AppendAsync(new AuditEvent(time.GetUtcNow(), actor.UserId, decision.Role ?? "", null, $"role {name}", "RoleDefine", AuditOutcome.Success, "", actor.Source)
            { Detail = string.Join(',', operations.Select(o => o.ToString()).Order()) }, ct);
        return role;
    }

    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 40 && name.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-');
}
