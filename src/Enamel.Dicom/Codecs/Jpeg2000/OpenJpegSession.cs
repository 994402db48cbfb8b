using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs.Jpeg2000;

/// <summary>
/// One OpenJPEG codec, memory stream and image for a single encode or decode call. OpenJPEG reaches this object
/// through a GCHandle passed as user data to the static <c>[UnmanagedCallersOnly]</c> stream and message callbacks,
/// so no delegate needs keeping alive. The input is a pinned span that outlives the session; output grows in
/// managed memory.
/// </summary>
internal sealed unsafe class OpenJpegSession : IDisposable
{
    private const int MaxMessages = 8;

    private readonly OpenJpeg lib;
    private readonly GCHandle self;
    private readonly List<string> errors = [];
    private byte* input;
    private long inputLength;
    private long position;
    private byte[] output = [];
    private long outputLength;

    public OpenJpegSession(OpenJpeg lib, IntPtr codec)
    {
        if (codec == IntPtr.Zero) throw new OutOfMemoryException("OpenJPEG could not create a codec");
        this.lib = lib;
        Codec = codec;
        self = GCHandle.Alloc(this);
        lib.SetErrorHandler(codec, &OnError, GCHandle.ToIntPtr(self));
    }

    public IntPtr Codec { get; }
    public IntPtr Stream { get; private set; }
    public OpenJpeg.Image* Image { get; set; }

    /// <summary>Creates a read stream over <paramref name="length"/> bytes at <paramref name="data"/>, which the caller keeps pinned.</summary>
    public void OpenInput(byte* data, long length)
    {
        input = data;
        inputLength = length;
        Stream = CreateStream(isInput: true);
        lib.StreamSetReadFunction(Stream, &OnRead);
        lib.StreamSetUserDataLength(Stream, (ulong)length);
    }

    public void OpenOutput()
    {
        output = new byte[64 * 1024];
        Stream = CreateStream(isInput: false);
        lib.StreamSetWriteFunction(Stream, &OnWrite);
    }

    private IntPtr CreateStream(bool isInput)
    {
        var stream = lib.StreamCreate(64 * 1024, isInput ? 1 : 0);
        if (stream == IntPtr.Zero) throw new OutOfMemoryException("OpenJPEG could not create a stream");
        lib.StreamSetSkipFunction(stream, &OnSkip);
        lib.StreamSetSeekFunction(stream, &OnSeek);
        lib.StreamSetUserData(stream, GCHandle.ToIntPtr(self), IntPtr.Zero);
        return stream;
    }

    /// <summary>The bytes written so far (after opj_end_compress, the whole codestream).</summary>
    public byte[] Output => output.AsSpan(0, (int)outputLength).ToArray();

    /// <summary>Throws unless an OpenJPEG call returned OPJ_TRUE, quoting the errors it reported.</summary>
    public void Check(int ok, string step)
    {
        if (ok != 0) return;
        var detail = errors.Count == 0 ? "no detail given" : string.Join("; ", errors);
        throw new DicomImagingException($"JPEG 2000 {step} failed: {detail}");
    }

    public void Dispose()
    {
        if (Image != null) lib.ImageDestroy(Image);
        if (Stream != IntPtr.Zero) lib.StreamDestroy(Stream);
        lib.DestroyCodec(Codec);
        Image = null;
        Stream = IntPtr.Zero;
        self.Free();
    }

    private static OpenJpegSession From(IntPtr user) => (OpenJpegSession)GCHandle.FromIntPtr(user).Target!;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nuint OnRead(byte* buffer, nuint count, IntPtr user)
    {
        var s = From(user);
        long remaining = s.inputLength - s.position;
        if (remaining <= 0) return nuint.MaxValue; // (OPJ_SIZE_T)-1: end of stream
        long n = count > (ulong)remaining ? remaining : (long)count;
        Buffer.MemoryCopy(s.input + s.position, buffer, (long)count, n);
        s.position += n;
        return (nuint)n;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nuint OnWrite(byte* buffer, nuint count, IntPtr user)
    {
        var s = From(user);
        try
        {
            long end = s.position + (long)count;
            s.EnsureOutput(end);
            new ReadOnlySpan<byte>(buffer, checked((int)count)).CopyTo(s.output.AsSpan((int)s.position));
            s.position = end;
            s.outputLength = Math.Max(s.outputLength, end);
            return count;
        }
        catch (Exception ex) when (ex is OutOfMemoryException or OverflowException)
        {
            s.AddError($"output buffer: {ex.Message}");
            return nuint.MaxValue;
        }
    }

    private void EnsureOutput(long end)
    {
        if (end > int.MaxValue - 64) throw new OverflowException("codestream exceeds 2 GB");
        if (end <= output.Length) return;
        Array.Resize(ref output, (int)Math.Min(int.MaxValue - 64, Math.Max(end, output.Length * 2L)));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static long OnSkip(long count, IntPtr user)
    {
        var s = From(user);
        long limit = s.input != null ? s.inputLength : long.MaxValue;
        long target = s.position + count;
        if (count < 0 ? target < 0 : target > limit) return -1;
        if (s.input == null && target > s.outputLength)
        {
            if (!s.TryGrowOutput(target)) return -1;
            s.outputLength = target;
        }
        s.position = target;
        return count;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnSeek(long offset, IntPtr user)
    {
        var s = From(user);
        long limit = s.input != null ? s.inputLength : s.outputLength;
        if (offset < 0 || offset > limit) return 0;
        s.position = offset;
        return 1;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(byte* message, IntPtr user)
    {
        var s = From(user);
        s.AddError(Marshal.PtrToStringUTF8((IntPtr)message)?.Trim() ?? "");
    }

    private bool TryGrowOutput(long end)
    {
        try
        {
            EnsureOutput(end);
            return true;
        }
        catch (Exception ex) when (ex is OutOfMemoryException or OverflowException)
        {
            AddError($"output buffer: {ex.Message}");
            return false;
        }
    }

    private void AddError(string message)
    {
        if (errors.Count < MaxMessages && message.Length > 0) errors.Add(message);
    }
}
