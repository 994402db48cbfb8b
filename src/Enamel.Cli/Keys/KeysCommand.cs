using System.CommandLine;
using Enamel.Server.Hosting;

namespace Enamel.Cli.Keys;

/// <summary>`enamel keys rotate`: a new master key version re-wraps every per-patient data key; blobs are not rewritten.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "data folder (as for enamel serve)" };
        var rotate = new Command("rotate", "Rotate the master key: re-wrap every data key under a new master key version, then retire the old one") { data };
        rotate.SetAction(async (parse, ct) =>
        {
            var options = new EnamelOptions();
            if (parse.GetValue(data) is { } d) options.DataDirectory = d;
            if (!File.Exists(Path.Combine(Path.GetFullPath(options.DataDirectory), "master.key")))
            {
                Console.Error.WriteLine($"E: {options.DataDirectory} has no master.key: not an Enamel data folder");
                return ExitCodes.InputError;
            }
            var folder = await DataFolder.OpenAsync(options, TimeProvider.System, ct);
            int before = folder.Master.CurrentVersion;
            int count = await folder.Keyring.RotateMasterKeyAsync(ct);
            Console.WriteLine($"master key version {before} -> {folder.Master.CurrentVersion}; {count} data key(s) re-wrapped; blobs untouched");
            return ExitCodes.Success;
        });
        var keys = new Command("keys", "Key management for the data folder") { rotate };
        return keys;
    }
}
