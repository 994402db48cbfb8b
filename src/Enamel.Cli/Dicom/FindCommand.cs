using System.CommandLine;
using Enamel.Dicom;
using Enamel.Dicom.Network;

namespace Enamel.Cli.Dicom;

internal static class FindCommand
{
    public static Command Create()
    {
        var net = new NetworkCliOptions();
        var query = new QueryCliOptions();
        var outDir = new Option<string?>("-od", "--output-directory") { Description = "also write each response identifier as a file here" };
        var cmd = new Command("find", "C-FIND query (like findscu): enamel dicom find -P -k 0010,0010=DOE^* HOST PORT");
        net.AddTo(cmd);
        query.AddTo(cmd);
        cmd.Options.Add(outDir);
        cmd.SetAction(p => NetworkCliOptions.Guard(async () =>
        {
            var sopClass = query.SopClass(p, "find");
            var identifier = query.Identifier(p);
            await using var a = await DicomClient.ConnectAsync(net.ToClient(p), DicomClient.Propose(sopClass));
            int n = 0;
            ushort final = DimseStatus.Success;
            await foreach (var rsp in a.FindAsync(sopClass, identifier))
            {
                if (!rsp.IsPending) { final = rsp.Status; break; }
                if (rsp.Identifier is null) continue;
                n++;
                Console.WriteLine($"# response {n}");
                foreach (var e in rsp.Identifier.Where(e => e.Tag != DicomTags.QueryRetrieveLevel && !e.Tag.IsGroupLength))
                    Console.WriteLine($"{e.Tag} {DicomDictionary.KeywordOf(e.Tag)} = {string.Join('\\', rsp.Identifier.GetStrings(e.Tag))}");
                if (p.GetValue(outDir) is { } dir)
                {
                    Directory.CreateDirectory(dir);
                    DicomFile.Create(rsp.Identifier, DicomTransferSyntax.ExplicitVRLittleEndian).Save(Path.Combine(dir, $"rsp{n:D4}.dcm"));
                }
            }
            await a.ReleaseAsync();
            Console.WriteLine($"C-FIND: {n} matches, {DimseStatus.Describe(final)}");
            return DimseStatus.IsFailure(final) ? ExitCodes.NetworkError : ExitCodes.Success;
        }));
        return cmd;
    }
}
