using System.Diagnostics;
using System.Text;

namespace Enamel.Dicom.Tests.Imaging;

/// <summary>Runs dcmtk's dcm2pnm as the rendering peer and reads its binary PGM/PPM output.</summary>
internal static class Dcm2PnmPeer
{
    public static string Locate()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "dcm2pnm");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("dcm2pnm (dcmtk) is not on PATH: the rendering interop tests compare against it; install dcmtk");
    }

    /// <summary>Renders <paramref name="dicomPath"/> with the given dcm2pnm options (+op raw PNM) and returns (width, height, channels, samples).</summary>
    public static (int Width, int Height, int Channels, byte[] Samples) Render(string dicomPath, string[] options)
    {
        var outPath = Path.Combine(TestFiles.NewTempDir(), "dcmtk.pnm");
        var psi = new ProcessStartInfo(Locate()) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var o in options) psi.ArgumentList.Add(o);
        psi.ArgumentList.Add("+op");
        psi.ArgumentList.Add(dicomPath);
        psi.ArgumentList.Add(outPath);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException("dcm2pnm did not finish in 60 s"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"dcm2pnm {string.Join(' ', options)} failed ({p.ExitCode}): {stderr.Result}");
        return ReadPnm(File.ReadAllBytes(outPath));
    }

    /// <summary>Binary PGM (P5) or PPM (P6) with maxval 255 (Netpbm format: header tokens separated by whitespace, comments from '#').</summary>
    public static (int Width, int Height, int Channels, byte[] Samples) ReadPnm(byte[] data)
    {
        int at = 0;
        string Token()
        {
            while (true)
            {
                while (char.IsWhiteSpace((char)data[at])) at++;
                if (data[at] != '#') break;
                while (data[at] != '\n') at++;
            }
            var sb = new StringBuilder();
            while (!char.IsWhiteSpace((char)data[at])) sb.Append((char)data[at++]);
            return sb.ToString();
        }
        var magic = Token();
        int channels = magic switch { "P5" => 1, "P6" => 3, _ => throw new InvalidDataException($"not a binary PGM/PPM: {magic}") };
        int width = int.Parse(Token()), height = int.Parse(Token()), max = int.Parse(Token());
        if (max != 255) throw new InvalidDataException($"PNM maxval {max} is not 255");
        at++; // the single whitespace before the raster
        return (width, height, channels, data.AsSpan(at, width * height * channels).ToArray());
    }
}
