// Enamel vs Orthanc archive benchmark, in one run (see bench/README.md):
//   bench/run-vs-orthanc.sh [--quick] [options below]   (builds Release, then runs this program)
// The outer process (root) installs Orthanc if missing, builds `enamel` in Release, then re-executes itself inside a
// private network namespace (unshare --net, loopback only), where both servers and the load run on 127.0.0.1.
using System.Diagnostics;
using System.Globalization;
using Enamel.Bench.Archive;

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Enamel.Bench.Archive [--quick] [--intraoral N] [--qido-instances N] [--qido-seconds N] [--mixed | --no-mixed] [--mixed-count N] [--work DIR] [--skip-orthanc-1gb] [--enamel-dll PATH]");
    return 2;
}
if (options.Inside) return await Bench.RunAsync(options);

if (Environment.UserName != "root")
{
    Console.Error.WriteLine("E: run as root (needed for unshare --net, the private network namespace Orthanc must run in)");
    return 2;
}
if (!File.Exists("/usr/sbin/Orthanc") || !File.Exists("/usr/share/orthanc/plugins/libOrthancDicomWeb.so"))
{
    Console.WriteLine("installing orthanc orthanc-dicomweb (services are not started by the package: policy-rc.d)");
    if (Run("apt-get", "install", "-y", "orthanc", "orthanc-dicomweb") != 0) return 1;
}
var repo = BenchOptions.RepoRoot();
Console.WriteLine("building enamel (Release)");
if (options.EnamelDll is null && Run("dotnet", "build", "-c", "Release", "-v", "q", "-nologo", Path.Combine(repo, "src", "Enamel.Cli")) != 0) return 1;

var self = typeof(Bench).Assembly.Location;
// The inner run checks that it is in another network namespace than this one before starting Orthanc.
Environment.SetEnvironmentVariable(Bench.OuterNamespaceVariable, Bench.NetworkNamespace() ?? "");
var inner = new List<string> { "--net", "--", "bash", "-c", "ip link set lo up && exec dotnet \"$0\" --inside \"$@\"", self };
inner.AddRange(args);
return Run("unshare", [.. inner]);

static int Run(string file, params string[] arguments)
{
    var psi = new ProcessStartInfo(file);
    foreach (var a in arguments) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    p.WaitForExit();
    if (p.ExitCode != 0) Console.Error.WriteLine($"E: {file} exited with {p.ExitCode.ToString(CultureInfo.InvariantCulture)}");
    return p.ExitCode;
}
