namespace Enamel.Dicom.Codecs.Jpeg;

/// <summary>What the markers before the first scan say: the frame process and the APP14 Adobe colour transform.</summary>
internal readonly record struct JpegStreamInfo(int StartOfFrame, int AdobeTransform, bool HasJfif)
{
    public bool IsLossless => StartOfFrame is 3 or 7 or 11 or 15;

    /// <summary>Walks the marker segments up to SOS. AdobeTransform is -1 when there is no APP14 "Adobe" segment.</summary>
    public static JpegStreamInfo Read(ReadOnlySpan<byte> data)
    {
        int sof = -1, adobe = -1, pos = 2;
        bool jfif = false;
        if (data.Length < 2 || data[0] != 0xFF || data[1] != 0xD8)
            throw new Imaging.DicomImagingException("JPEG: the fragment does not start with SOI (FFD8)");
        while (pos + 4 <= data.Length)
        {
            if (data[pos] != 0xFF) break;
            byte marker = data[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            if (marker is 0xDA or 0xD9) break;
            int length = data[pos + 2] << 8 | data[pos + 3];
            if (length < 2) break;
            var segment = data.Slice(pos + 4, Math.Min(length - 2, data.Length - pos - 4));
            if (marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC))
            {
                sof = marker - 0xC0;
                CheckSampling(segment);
            }
            else if (marker == 0xEE && segment.Length >= 12 && segment[..5].SequenceEqual("Adobe"u8)) adobe = segment[11];
            else if (marker == 0xE0 && segment.Length >= 5 && segment[..5].SequenceEqual("JFIF\0"u8)) jfif = true;
            pos += 2 + length;
        }
        if (sof < 0) throw new Imaging.DicomImagingException("JPEG: no start-of-frame marker before the first scan");
        return new JpegStreamInfo(sof, adobe, jfif);
    }

    /// <summary>Sampling factors must be 1..4 (T.81 B.2.2); checked here so the decoders never divide by a zero factor.</summary>
    private static void CheckSampling(ReadOnlySpan<byte> sof)
    {
        if (sof.Length < 6) throw new Imaging.DicomImagingException("JPEG: start-of-frame segment is too short");
        int components = sof[5];
        if (sof.Length < 6 + 3 * components) throw new Imaging.DicomImagingException("JPEG: start-of-frame segment is too short for its components");
        for (int c = 0; c < components; c++)
        {
            int h = sof[7 + 3 * c] >> 4, v = sof[7 + 3 * c] & 15;
            if (h is < 1 or > 4 || v is < 1 or > 4)
                throw new Imaging.DicomImagingException($"JPEG: component {c} has sampling factors {h}x{v}; each must be 1..4");
        }
    }
}
