namespace Enamel.Core.Access;

/// <summary>
/// The built-in roles, as one table a clinic's auditor can read. Each cell lists the actions a role may take on a
/// record category: R read, C create, A amend, E export, S share, D dispose; "-" nothing. Anything not written here
/// is denied. Which patients a role reaches is the last line (see <see cref="RoleReach"/>).
/// </summary>
public static class RoleTable
{
    public const string Dentist = "dentist";
    public const string Hygienist = "hygienist";
    public const string Receptionist = "receptionist";
    public const string Billing = "billing";
    public const string LabTechnician = "lab-technician";
    public const string PrivacyOfficer = "privacy-officer";
    public const string Admin = "admin";
    public const string Patient = "patient";
    public const string ExternalRecipient = "external-recipient";

    private static readonly string[] Columns =
        [Dentist, Hygienist, Receptionist, Billing, LabTechnician, PrivacyOfficer, Admin, Patient, ExternalRecipient];

    private static readonly (RecordCategory Category, string[] Cells)[] Rows =
    [
        //                                  dentist  hygienist reception billing  lab    privacy admin   patient external
        (RecordCategory.Demographics,     ["RA",    "R",      "RCA",    "R",     "R",   "RED",  "-",    "R",    "R"]),
        (RecordCategory.InsuranceBilling, ["R",     "-",      "RCA",    "RCAE",  "-",   "RED",  "-",    "R",    "-"]),
        (RecordCategory.MedicalHistory,   ["RCA",   "RCA",    "-",      "-",     "-",   "ED",   "-",    "RE",   "R"]),
        (RecordCategory.ClinicalNotes,    ["RCAES", "RC",     "-",      "-",     "-",   "ED",   "-",    "RE",   "R"]),
        (RecordCategory.TreatmentRecords, ["RCAES", "RC",     "-",      "R",     "-",   "ED",   "-",    "RE",   "R"]),
        (RecordCategory.Imaging,          ["RCAES", "RC",     "-",      "-",     "R",   "ED",   "-",    "RES",  "R"]),
        (RecordCategory.LabReports,       ["RCAS",  "R",      "-",      "-",     "RCA", "ED",   "-",    "RE",   "R"]),
        (RecordCategory.Referrals,        ["RCAES", "R",      "RC",     "-",     "R",   "ED",   "-",    "RE",   "R"]),
        (RecordCategory.Audit,            ["-",     "-",      "-",      "-",     "-",   "RE",   "R",    "R",    "-"]),
        (RecordCategory.Settings,         ["-",     "-",      "-",      "-",     "-",   "R",    "RCA",  "-",    "-"]),
    ];

    private static readonly RoleReach[] Reaches =
    [
        RoleReach.ClinicPatients, RoleReach.ClinicPatients, RoleReach.ClinicPatients, RoleReach.ClinicPatients, RoleReach.ClinicPatients,
        RoleReach.ClinicPatients, RoleReach.ClinicOnly, RoleReach.OwnRecord, RoleReach.SharedRecords,
    ];

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        [Dentist] = "dentist: examines, diagnoses, treats; full clinical record of the clinic's patients",
        [Hygienist] = "hygienist or dental assistant: charts, takes images, records treatment",
        [Receptionist] = "receptionist: registration, appointments, insurance details; no clinical content",
        [Billing] = "billing: claims and payments; sees treatment codes, not notes or images",
        [LabTechnician] = "lab technician: reads images and referrals, writes lab reports; no billing",
        [PrivacyOfficer] = "privacy officer: audit trail, access requests (export), retention (disposal)",
        [Admin] = "practice admin / IT: users, roles, settings; no patient records",
        [Patient] = "patient or guardian: their own record and their dependants'",
        [ExternalRecipient] = "external recipient (lab, specialist, new clinic): only what was shared with them",
    };

    /// <summary>The built-in roles, by name.</summary>
    public static IReadOnlyDictionary<string, Role> BuiltIn { get; } = Build();

    private static Dictionary<string, Role> Build()
    {
        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        for (int col = 0; col < Columns.Length; col++)
        {
            var permissions = new HashSet<Operation>();
            foreach (var (category, cells) in Rows)
                foreach (char letter in cells[col].Where(ch => ch != '-'))
                    permissions.Add(new Operation(category, ActionOf(letter)));
            roles[Columns[col]] = new Role(Columns[col], Descriptions[Columns[col]], Reaches[col], permissions, BuiltIn: true);
        }
        return roles;
    }

    private static RecordAction ActionOf(char letter) => letter switch
    {
        'R' => RecordAction.Read,
        'C' => RecordAction.Create,
        'A' => RecordAction.Amend,
        'E' => RecordAction.Export,
        'S' => RecordAction.Share,
        'D' => RecordAction.Dispose,
        _ => throw new InvalidOperationException($"RoleTable: unknown action letter '{letter}'"),
    };

    /// <summary>The cell letters for one operation (used by `enamel roles show` to print the same table).</summary>
    public static char Letter(RecordAction action) => "RCAESD"[(int)action];
}
