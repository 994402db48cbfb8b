using System.Globalization;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Core.Treatment;
using SkiaSharp;

namespace Enamel.Server.Api;

/// <summary>
/// A prescription printed as a one-page A4 PDF (SkiaSharp's PDF backend): the clinic, the patient (name with its
/// Chinese form, birth date, chart number), the medication with dose, route, frequency, duration and quantity, the
/// prescriber and the date, labelled in English, Traditional or Simplified Chinese. Text is drawn in Noto Sans CJK
/// when the system has it (Debian's fonts-noto-cjk), so Chinese names and drugs print; otherwise the default face.
/// </summary>
internal static class PrescriptionPdf
{
    private const float Width = 595, Height = 842, Margin = 56; // A4 in points

    public static byte[] Render(RecordEntry entry, Patient patient, string prescriberName, string language)
    {
        var rx = (Prescription)entry.Body;
        var labels = Labels.For(language);
        using var stream = new MemoryStream();
        var metadata = new SKDocumentPdfMetadata
        {
            Title = labels.Title,
            Creator = "Enamel",
            Producer = "Enamel",
            Creation = entry.Recorded.UtcDateTime,
            Modified = entry.Recorded.UtcDateTime,
        };
        using (var document = SKDocument.CreatePdf(stream, metadata))
        {
            var canvas = document.BeginPage(Width, Height);
            using var face = Face(language);
            using var title = new SKFont(face, 20) { Embolden = true };
            using var label = new SKFont(face, 9);
            using var text = new SKFont(face, 12);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var grey = new SKPaint { Color = new SKColor(0x55, 0x55, 0x55), IsAntialias = true };
            using var rule = new SKPaint { Color = new SKColor(0x99, 0x99, 0x99), StrokeWidth = 0.75f, IsStroke = true };

            float y = Margin + 20;
            canvas.DrawText(labels.Title, Margin, y, SKTextAlign.Left, title, ink);
            canvas.DrawText($"{labels.Clinic}: {patient.Clinic}", Width - Margin, y, SKTextAlign.Right, text, grey);
            y += 16;
            canvas.DrawLine(Margin, y, Width - Margin, y, rule);
            y += 24;

            void Field(string name, string value)
            {
                if (value.Length == 0) return;
                canvas.DrawText(name, Margin, y, SKTextAlign.Left, label, grey);
                y += 14;
                foreach (var line in Wrap(value, text, Width - 2 * Margin))
                {
                    canvas.DrawText(line, Margin, y, SKTextAlign.Left, text, ink);
                    y += 16;
                }
                y += 8;
            }

            var chart = patient.Identifiers.FirstOrDefault(i => i.Type == IdentifierType.ChartNumber && !i.Alias)?.Value ?? "";
            Field(labels.Patient, patient.Demographics.Name.Display());
            Field(labels.BirthDate, Date(patient.Demographics.BirthDate));
            Field(labels.Chart, chart);
            y += 6;
            canvas.DrawLine(Margin, y, Width - Margin, y, rule);
            y += 24;
            Field(labels.Medication, rx.Drug.Code.Length > 0 && rx.Drug.Display.Length > 0 ? $"{rx.Drug.Display} ({rx.Drug.Code})" : rx.Drug.Display + rx.Drug.Code);
            Field(labels.Dose, rx.Dose);
            Field(labels.Route, rx.Route);
            Field(labels.Frequency, rx.Frequency);
            Field(labels.Duration, rx.DurationDays > 0 ? string.Format(CultureInfo.InvariantCulture, labels.Days, rx.DurationDays) : "");
            Field(labels.Quantity, rx.Quantity);
            Field(labels.Note, rx.Note);
            y = Math.Max(y + 24, Height - Margin - 90);
            canvas.DrawLine(Margin, y, Margin + 220, y, rule);
            y += 14;
            canvas.DrawText($"{labels.Prescriber}: {prescriberName}", Margin, y, SKTextAlign.Left, text, ink);
            y += 16;
            canvas.DrawText($"{labels.Written}: {rx.Written}", Margin, y, SKTextAlign.Left, text, ink);
            canvas.DrawText($"Rx {entry.Id[..8]} · v{entry.Version}", Width - Margin, y, SKTextAlign.Right, label, grey);
            document.EndPage();
            document.Close();
        }
        return stream.ToArray();
    }

    /// <summary>Noto Sans CJK in the language's variant (SC for Simplified, TC otherwise), else the default face.</summary>
    private static SKTypeface Face(string language)
    {
        var family = language == "zh-Hans" ? "Noto Sans CJK SC" : "Noto Sans CJK TC";
        return SKTypeface.FromFamilyName(family) is { } face && face.FamilyName.StartsWith("Noto Sans CJK", StringComparison.Ordinal) ? face : SKTypeface.Default;
    }

    private static string Date(string yyyymmdd) =>
        yyyymmdd.Length == 8 ? $"{yyyymmdd[..4]}-{yyyymmdd[4..6]}-{yyyymmdd[6..]}" : yyyymmdd;

    /// <summary>Lines of <paramref name="value"/> no wider than <paramref name="width"/> (broken at spaces, or anywhere for CJK text).</summary>
    private static IEnumerable<string> Wrap(string value, SKFont font, float width)
    {
        foreach (var paragraph in value.Replace("\r", "").Split('\n'))
        {
            var line = "";
            foreach (var ch in paragraph)
            {
                var next = line + ch;
                if (font.MeasureText(next) <= width) { line = next; continue; }
                int space = line.LastIndexOf(' ');
                if (space > 0 && ch != ' ') { yield return line[..space]; line = line[(space + 1)..] + ch; }
                else { yield return line; line = ch == ' ' ? "" : ch.ToString(); }
            }
            yield return line;
        }
    }

    private sealed record Labels(string Title, string Clinic, string Patient, string BirthDate, string Chart, string Medication, string Dose, string Route,
        string Frequency, string Duration, string Days, string Quantity, string Note, string Prescriber, string Written)
    {
        private static readonly Labels En = new("Prescription", "Clinic", "Patient", "Date of birth", "Chart number", "Medication", "Dose", "Route",
            "Frequency", "Duration", "{0} days", "Quantity", "Note", "Prescriber", "Date");
        private static readonly Labels Hant = new("處方", "診所", "病人", "出生日期", "病歷號碼", "藥物", "劑量", "用藥途徑",
            "次數", "療程", "{0} 天", "數量", "備註", "處方醫生", "日期");
        private static readonly Labels Hans = new("处方", "诊所", "患者", "出生日期", "病历号", "药物", "剂量", "给药途径",
            "频次", "疗程", "{0} 天", "数量", "备注", "处方医生", "日期");

        public static Labels For(string language) => language switch { "zh-Hant" => Hant, "zh-Hans" => Hans, _ => En };
    }
}
