namespace Enamel.Dicom.Imaging;

/// <summary>
/// Renders one frame for display (PS3.4 N.2, PS3.3 C.11): stored values → Modality LUT → VOI LUT → Presentation
/// (MONOCHROME1 inverted) for greyscale; Palette Color LUT or YCbCr → RGB for colour. Only the requested frame is decoded.
/// </summary>
public static class DicomRenderer
{
    public static RenderedImage Render(DicomFile file, RenderOptions? options = null) =>
        Render(DicomPixelData.Create(file), file.Dataset, options ?? RenderOptions.Default);

    public static RenderedImage Render(DicomPixelData pixelData, DicomDataset dataset, RenderOptions options)
    {
        if (options.Bits is not (8 or 16)) throw new DicomImagingException($"output bits {options.Bits} is not 8 or 16");
        if (!dataset.Contains(DicomTags.PixelData))
            throw new DicomImagingException("Float Pixel Data and Double Float Pixel Data cannot be rendered (only integer Pixel Data)");
        var info = pixelData.DecodedInfo;
        info.Validate();
        var pi = info.PhotometricInterpretation.Trim().ToUpperInvariant();
        var frame = !pixelData.IsEncapsulated && pi is "YBR_FULL_422" or "YBR_PARTIAL_422"
            ? ReadNative422Frame(dataset, info, options.Frame)
            : pixelData.GetFrame(options.Frame);
        var image = pi switch
        {
            "MONOCHROME1" or "MONOCHROME2" => RenderGrey(frame, info, dataset, options, invert: pi == "MONOCHROME1"),
            "PALETTE COLOR" => RenderPalette(frame, info, dataset, options.Bits),
            "RGB" or "YBR_FULL" or "YBR_FULL_422" or "YBR_PARTIAL_422" or "YBR_PARTIAL_420" or "YBR_ICT" or "YBR_RCT" => RenderColor(frame, info, pi, options.Bits),
            _ => throw new DicomImagingException($"Photometric Interpretation '{info.PhotometricInterpretation}' cannot be rendered"),
        };
        return Resize(image, options);
    }

    /// <summary>Chooses the VOI transformation for a frame as <see cref="VoiMode"/> describes.</summary>
    internal static VoiTransform SelectVoi(DicomDataset ds, RenderOptions options, ModalityTransform modality, PixelDataInfo info,
        Func<(double Min, double Max)> modalityRange)
    {
        var frameVoi = FunctionalGroups.Find(ds, options.Frame, DicomTags.FrameVOILUTSequence) ?? ds;
        // As dcmtk does, the file's VOI LUT Function applies to every window (file, explicit or computed) unless overridden.
        var function = options.Function ?? VoiTransform.ParseFunction(frameVoi.GetSingleString(DicomTags.VOILUTFunction));
        switch (options.Voi)
        {
            case VoiMode.Window:
                if (options.WindowCenter is not { } c || options.WindowWidth is not { } w)
                    throw new DicomImagingException("VOI mode Window needs a window center and width");
                return VoiTransform.Window(c, w, function);
            case VoiMode.MinMax:
                return MinMax(modalityRange, function);
            case VoiMode.None:
                var (lo, hi) = StoredValues.Range(info);
                var (min, max) = modality.OutputRange(lo, hi);
                return VoiTransform.Range(min, max); // no VOI: a plain linear scaling, whatever the VOI LUT Function
        }
        int windows = Math.Min(frameVoi.ValueCount(DicomTags.WindowCenter), frameVoi.ValueCount(DicomTags.WindowWidth));
        var luts = ds.GetSequence(DicomTags.VOILUTSequence);
        if (windows > 0)
        {
            if (options.VoiIndex >= windows) throw new DicomImagingException($"window index {options.VoiIndex} (number {options.VoiIndex + 1}) does not exist: the file has {windows} window(s)");
            double center = frameVoi.GetDouble(DicomTags.WindowCenter, double.NaN, options.VoiIndex);
            double width = frameVoi.GetDouble(DicomTags.WindowWidth, double.NaN, options.VoiIndex);
            // A window the file gets wrong (width < 1 for LINEAR, or not a number) is ignored in favour of min-max.
            if (double.IsFinite(center) && double.IsFinite(width) && (function == VoiLutFunction.Linear ? width >= 1 : width > 0))
                return VoiTransform.Window(center, width, function);
            return MinMax(modalityRange, function);
        }
        if (luts is { Items.Count: > 0 })
        {
            if (options.VoiIndex >= luts.Items.Count) throw new DicomImagingException($"VOI LUT index {options.VoiIndex} (number {options.VoiIndex + 1}) does not exist: the file has {luts.Items.Count} VOI LUT(s)");
            // The VOI LUT input is the Modality LUT output: signed when the modality output can be negative.
            bool signedInput = modality.Lut is null && (info.IsSigned || modality.Intercept < 0);
            return VoiTransform.FromLut(LookupTable.Read(luts.Items[options.VoiIndex], DicomTags.LUTDescriptor, DicomTags.LUTData, signedInput));
        }
        if (options.VoiIndex > 0) throw new DicomImagingException($"VOI index {options.VoiIndex} (number {options.VoiIndex + 1}) does not exist: the file has no windows or VOI LUTs");
        return MinMax(modalityRange, function);
    }

    private static VoiTransform MinMax(Func<(double Min, double Max)> modalityRange, VoiLutFunction function)
    {
        var (min, max) = modalityRange();
        return VoiTransform.Range(min, max, function);
    }

    /// <summary>
    /// The Modality LUT output range over the frame's samples: from the stored extremes for a linear rescale, by visiting
    /// every sample when a Modality LUT may be non-monotonic.
    /// </summary>
    private static (double Min, double Max) ModalityRange(ModalityTransform modality, ReadOnlySpan<byte> frame, StoredValues.Decoder decoder,
        long samples, long lo, long hi)
    {
        if (modality.Lut is null)
        {
            double a = modality.Apply(lo), b = modality.Apply(hi);
            return (Math.Min(a, b), Math.Max(a, b));
        }
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (long i = 0; i < samples; i++)
        {
            double m = modality.Apply(decoder.At(frame, i));
            if (m < min) min = m;
            if (m > max) max = m;
        }
        return (min, max);
    }

    private static RenderedImage RenderGrey(byte[] frame, PixelDataInfo info, DicomDataset ds, RenderOptions options, bool invert)
    {
        if (info.SamplesPerPixel != 1) throw new DicomImagingException($"{info.PhotometricInterpretation} needs 1 sample per pixel, not {info.SamplesPerPixel}");
        // Samples are decoded in place, never copied into an array of their own (a 1500x1000 X-ray would need 12 MB per render).
        var decoder = StoredValues.Decoder.For(frame, info);
        long samples = (long)info.Rows * info.Columns;
        long lo = long.MaxValue, hi = long.MinValue;
        for (long i = 0; i < samples; i++)
        {
            long v = decoder.At(frame, i);
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        var modality = ModalityTransform.FromDataset(ds, options.Frame, info);
        (double, double)? range = null;
        var voi = SelectVoi(ds, options, modality, info, () => range ??= ModalityRange(modality, frame, decoder, samples, lo, hi));
        var output = new RenderedImage(info.Columns, info.Rows, 1, options.Bits);
        int maxOut = (1 << options.Bits) - 1;
        // One evaluation per distinct stored value when the range is small (it is for Bits Stored ≤ 16).
        ushort[]? table = hi - lo < 1 << 20 ? new ushort[hi - lo + 1] : null;
        if (table is not null)
            for (long v = lo; v <= hi; v++) table[v - lo] = Quantize(voi.Apply(modality.Apply(v)), maxOut, invert);
        for (long i = 0; i < samples; i++)
        {
            long v = decoder.At(frame, i);
            output.SetSample((int)i, table is not null ? table[v - lo] : Quantize(voi.Apply(modality.Apply(v)), maxOut, invert));
        }
        return output;
    }

    private static ushort Quantize(double y, int maxOut, bool invert)
    {
        if (invert) y = 1 - y;
        double v = Math.Round(Math.Clamp(y, 0, 1) * maxOut, MidpointRounding.AwayFromZero);
        return (ushort)v;
    }

    private static RenderedImage RenderPalette(byte[] frame, PixelDataInfo info, DicomDataset ds, int bits)
    {
        if (info.SamplesPerPixel != 1) throw new DicomImagingException($"PALETTE COLOR needs 1 sample per pixel, not {info.SamplesPerPixel}");
        var palette = PaletteColorLut.FromDataset(ds, info);
        var stored = StoredValues.Extract(frame, info);
        var output = new RenderedImage(info.Columns, info.Rows, 3, bits);
        int maxOut = (1 << bits) - 1;
        for (int i = 0; i < stored.Length; i++)
        {
            var (r, g, b) = palette.Apply(stored[i]);
            output.SetSample(3 * i, Quantize(r, maxOut, false));
            output.SetSample(3 * i + 1, Quantize(g, maxOut, false));
            output.SetSample(3 * i + 2, Quantize(b, maxOut, false));
        }
        return output;
    }

    private static RenderedImage RenderColor(byte[] frame, PixelDataInfo info, string pi, int bits)
    {
        if (info.SamplesPerPixel != 3) throw new DicomImagingException($"{pi} needs 3 samples per pixel, not {info.SamplesPerPixel}");
        long pixels = (long)info.Rows * info.Columns;
        var samples = pi is "YBR_FULL_422" or "YBR_PARTIAL_422" && frame.Length < pixels * 3 * info.BytesPerSample
            ? Upsample422(frame, info)
            : StoredValues.Extract(frame, info);
        double max = (1L << info.BitsStored) - 1;
        var output = new RenderedImage(info.Columns, info.Rows, 3, bits);
        int maxOut = (1 << bits) - 1;
        for (long p = 0; p < pixels; p++)
        {
            double a = samples[3 * p], b = samples[3 * p + 1], c = samples[3 * p + 2];
            var (r, g, bl) = pi switch
            {
                "RGB" => (a, b, c),
                "YBR_FULL" or "YBR_FULL_422" or "YBR_ICT" => ColorConversion.FromYbrFull(a, b, c, max),
                "YBR_RCT" => ColorConversion.FromYbrRct(a, b, c, max),
                _ => ColorConversion.FromYbrPartial(a, b, c, max),
            };
            output.SetSample((int)(3 * p), Quantize(r / max, maxOut, false));
            output.SetSample((int)(3 * p + 1), Quantize(g / max, maxOut, false));
            output.SetSample((int)(3 * p + 2), Quantize(bl / max, maxOut, false));
        }
        return output;
    }

    /// <summary>A native 4:2:2 frame holds two bytes per pixel, not the three <see cref="PixelDataInfo.FrameLength"/> assumes.</summary>
    private static byte[] ReadNative422Frame(DicomDataset ds, PixelDataInfo info, int index)
    {
        if (index < 0 || index >= info.NumberOfFrames)
            throw new DicomImagingException($"frame {index} does not exist: the object has {info.NumberOfFrames} frame(s), numbered from 0");
        long length = (long)info.Rows * info.Columns * 2 * info.BytesPerSample;
        if (ds[DicomTags.PixelData] is not DicomValueElement pixel || pixel.Length < (index + 1) * length)
            throw new DicomImagingException($"Pixel Data is too short for frame {index} of {info.Rows}x{info.Columns} 4:2:2 samples");
        var frame = new byte[length];
        pixel.Value.Read(index * length, frame);
        return frame;
    }

    /// <summary>Native 4:2:2 (PS3.3 C.7.6.3.1.2): each pair of pixels in a row is stored Y1 Y2 Cb Cr; chroma is repeated for both.</summary>
    private static long[] Upsample422(byte[] frame, PixelDataInfo info)
    {
        if (info.BitsAllocated != 8 || info.Columns % 2 != 0)
            throw new DicomImagingException($"native {info.PhotometricInterpretation} is supported for 8-bit samples and even columns only");
        long pixels = (long)info.Rows * info.Columns;
        if (frame.Length < pixels * 2) throw new DicomImagingException($"the frame holds {frame.Length} bytes; 4:2:2 needs {pixels * 2}");
        var result = new long[pixels * 3];
        for (long pair = 0; pair < pixels / 2; pair++)
        {
            long at = pair * 4;
            byte cb = frame[at + 2], cr = frame[at + 3];
            for (int k = 0; k < 2; k++)
            {
                long p = pair * 2 + k;
                result[3 * p] = frame[at + k];
                result[3 * p + 1] = cb;
                result[3 * p + 2] = cr;
            }
        }
        return result;
    }

    private static RenderedImage Resize(RenderedImage image, RenderOptions options)
    {
        int w = image.Width, h = image.Height;
        if (options.Width is { } fw && options.Height is { } fh && options.Fit)
        {
            // The box's sides are maxima: scale by the tighter of the two ratios (compared exactly, as cross products).
            if ((long)fw * image.Height <= (long)fh * image.Width) (w, h) = (fw, Math.Min(fh, Scale(image.Height, fw, image.Width)));
            else (w, h) = (Math.Min(fw, Scale(image.Width, fh, image.Height)), fh);
        }
        else if (options.Width is { } ow && options.Height is { } oh) (w, h) = (ow, oh);
        else if (options.Width is { } onlyW) (w, h) = (onlyW, Scale(image.Height, onlyW, image.Width));
        else if (options.Height is { } onlyH) (w, h) = (Scale(image.Width, onlyH, image.Height), onlyH);
        else if (options.Thumbnail is { } t)
        {
            if (image.Width >= image.Height) (w, h) = (t, Scale(image.Height, t, image.Width));
            else (w, h) = (Scale(image.Width, t, image.Height), t);
        }
        if (w <= 0 || h <= 0 || w > 65535 || h > 65535) throw new DicomImagingException($"output size {w}x{h} is not valid");
        return w == image.Width && h == image.Height ? image : image.Resize(w, h);
    }

    private static int Scale(int side, int target, int reference) => Math.Max(1, (int)Math.Round((double)side * target / reference));
}
