using System.Runtime.InteropServices;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs;

/// <summary>
/// A native codec library opened with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> and bound by exported
/// symbol. Binding through function pointers (not <c>[DllImport]</c>) means a missing library or symbol is a
/// <see cref="DicomImagingException"/> naming the Debian package, never a <see cref="DllNotFoundException"/>, and
/// needs no assembly-wide DllImportResolver that other native bindings would have to share.
/// </summary>
internal sealed class NativeCodecLibrary
{
    private readonly IntPtr handle;

    private NativeCodecLibrary(string fileName, string package, IntPtr handle)
    {
        FileName = fileName;
        Package = package;
        this.handle = handle;
    }

    public string FileName { get; }
    public string Package { get; }

    /// <summary>Opens <paramref name="fileName"/> through the system loader (ld.so search path).</summary>
    public static NativeCodecLibrary Open(string fileName, string package, string purpose)
    {
        if (!NativeLibrary.TryLoad(fileName, out var handle))
            throw new DicomImagingException($"{purpose} needs the native library {fileName}, which is not installed: run `apt-get install {package}`");
        return new NativeCodecLibrary(fileName, package, handle);
    }

    public IntPtr Export(string symbol) =>
        NativeLibrary.TryGetExport(handle, symbol, out var address)
            ? address
            : throw new DicomImagingException($"{FileName} does not export {symbol}: install a current {Package} (`apt-get install {Package}`)");
}
