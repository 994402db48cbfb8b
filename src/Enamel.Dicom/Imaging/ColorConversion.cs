namespace Enamel.Dicom.Imaging;

/// <summary>YCbCr to RGB for the photometric interpretations of PS3.3 C.7.6.3.1.2, on samples of <c>max + 1</c> levels.</summary>
internal static class ColorConversion
{
    /// <summary>YBR_FULL / YBR_FULL_422 / YBR_ICT: the full-range ITU-R BT.601 inverse (JFIF).</summary>
    public static (double R, double G, double B) FromYbrFull(double y, double cb, double cr, double max)
    {
        double half = (max + 1) / 2;
        cb -= half;
        cr -= half;
        return (Clamp(y + 1.402 * cr, max), Clamp(y - 0.344136 * cb - 0.714136 * cr, max), Clamp(y + 1.772 * cb, max));
    }

    /// <summary>YBR_PARTIAL_422 / YBR_PARTIAL_420: Y in 16..235, Cb/Cr in 16..240 (scaled for more than 8 bits).</summary>
    public static (double R, double G, double B) FromYbrPartial(double y, double cb, double cr, double max)
    {
        double scale = (max + 1) / 256;
        double half = (max + 1) / 2;
        y = (y - 16 * scale) * (255.0 / 219);
        cb = (cb - half) * (255.0 / 224);
        cr = (cr - half) * (255.0 / 224);
        return (Clamp(y + 1.402 * cr, max), Clamp(y - 0.344136 * cb - 0.714136 * cr, max), Clamp(y + 1.772 * cb, max));
    }

    /// <summary>YBR_RCT: the reversible colour transform of JPEG 2000 (ISO 15444-1 G.2), chroma offset by half the range.</summary>
    public static (double R, double G, double B) FromYbrRct(double y, double cb, double cr, double max)
    {
        double half = (max + 1) / 2;
        cb -= half;
        cr -= half;
        double g = y - Math.Floor((cb + cr) / 4);
        return (Clamp(cr + g, max), Clamp(g, max), Clamp(cb + g, max));
    }

    private static double Clamp(double v, double max) => v < 0 ? 0 : v > max ? max : v;
}
