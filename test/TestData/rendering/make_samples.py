"""Generates the synthetic rendering test files (run with /usr/bin/python3, which has pydicom + numpy).

Each file exercises one step of the PS3.3 C.11 pipeline; the interop tests render them with dcm2pnm and Enamel.
"""
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

rng = np.random.default_rng(20261123)
R, C = 48, 64


def base(photometric, bits_alloc, bits_stored, high_bit, signed, spp=1, frames=None):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[photometric, str(bits_stored), str(rng.integers(1 << 30))])
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"
    ds.PatientName = "Synthetic^Render"
    ds.PatientID = "RENDER"
    ds.Rows, ds.Columns = R, C
    ds.SamplesPerPixel = spp
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits_alloc, bits_stored, high_bit
    ds.PixelRepresentation = 1 if signed else 0
    if spp > 1:
        ds.PlanarConfiguration = 0
    if frames:
        ds.NumberOfFrames = frames
    return ds


def ramp(lo, hi, frames=1):
    """A diagonal ramp plus noise from lo to hi: covers the whole range, with every window region hit."""
    y, x = np.mgrid[0:R, 0:C]
    out = []
    for f in range(frames):
        v = lo + (x / (C - 1) * 0.7 + y / (R - 1) * 0.3) * (hi - lo)
        v = v + rng.normal(0, (hi - lo) * 0.02, v.shape) + f * (hi - lo) * 0.05
        out.append(np.clip(np.round(v), lo, hi))
    return np.array(out).astype(np.int64)


def pack(values, ds):
    bits, shift = ds.BitsAllocated, ds.HighBit - ds.BitsStored + 1
    mask = (1 << ds.BitsStored) - 1
    raw = (values.astype(np.int64) & mask) << shift
    dtype = {8: "<u1", 16: "<u2", 32: "<u4"}[bits]
    return raw.astype(dtype)


def save(ds, name, pixels):
    ds.PixelData = pixels.tobytes()
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(name, write_like_original=False)


# MONOCHROME1, 12 of 16 bits, garbage in the unused high bits, rescale, two windows.
ds = base("MONOCHROME1", 16, 12, 11, False)
ds.RescaleSlope, ds.RescaleIntercept = "2", "-100"
ds.WindowCenter, ds.WindowWidth = ["3000", "1500"], ["4000", "800"]
v = ramp(0, 4095)[0]
save(ds, "mono1_12bit.dcm", pack(v, ds) | (rng.integers(0, 16, v.shape).astype("<u2") << 12))

# Signed 10 bits stored at high bit 12 (shifted), with garbage below and above.
ds = base("MONOCHROME2", 16, 10, 12, True)
ds.WindowCenter, ds.WindowWidth = "0", "700"
v = ramp(-512, 511)[0]
save(ds, "signed_shifted.dcm", pack(v, ds) | rng.integers(0, 8, v.shape).astype("<u2") | (np.uint16(0x8000)))

# Signed 8-bit.
ds = base("MONOCHROME2", 8, 8, 7, True)
v = ramp(-128, 127)[0]
save(ds, "signed8.dcm", pack(v, ds))

# 32-bit unsigned, 20 bits stored.
ds = base("MONOCHROME2", 32, 20, 19, False)
ds.RescaleSlope, ds.RescaleIntercept = "0.5", "10"
v = ramp(0, (1 << 20) - 1)[0]
save(ds, "mono32.dcm", pack(v, ds))

# Three frames; frame 2 differs.
ds = base("MONOCHROME2", 16, 16, 15, False, frames=3)
ds.WindowCenter, ds.WindowWidth = "30000", "50000"
v = ramp(0, 60000, frames=3)
save(ds, "multiframe.dcm", pack(v, ds))

# VOI LUT Function SIGMOID.
ds = base("MONOCHROME2", 16, 12, 11, False)
ds.WindowCenter, ds.WindowWidth = "2000", "1500"
ds.VOILUTFunction = "SIGMOID"
save(ds, "sigmoid.dcm", pack(ramp(0, 4095)[0], ds))

# Modality LUT Sequence (12-bit input, 16-bit entries, a curve), no windows.
ds = base("MONOCHROME2", 16, 12, 11, False)
item = Dataset()
item.LUTDescriptor = [4096, 0, 16]
item.ModalityLUTType = "US"
item.LUTData = np.array([int(65535 * (i / 4095) ** 2) for i in range(4096)], dtype="<u2").tobytes()
ds.ModalityLUTSequence = Sequence([item])
save(ds, "modality_lut.dcm", pack(ramp(0, 4095)[0], ds))

# VOI LUT Sequence: 3000 entries of 12 bits starting at stored value 500.
ds = base("MONOCHROME2", 16, 12, 11, False)
item = Dataset()
item.LUTDescriptor = [3000, 500, 12]
item.LUTData = np.array([int(4095 * np.sqrt(i / 2999)) for i in range(3000)], dtype="<u2").tobytes()
item.LUTExplanation = "sqrt"
ds.VOILUTSequence = Sequence([item])
save(ds, "voi_lut.dcm", pack(ramp(0, 4095)[0], ds))

# PALETTE COLOR, 8-bit indices, 256 16-bit entries.
ds = base("PALETTE COLOR", 8, 8, 7, False)
i = np.arange(256)
for colour, values in (("Red", i * 257), ("Green", (255 - i) * 257), ("Blue", (np.abs(128 - i) * 2).clip(0, 255) * 257)):
    setattr(ds, f"{colour}PaletteColorLookupTableDescriptor", [256, 0, 16])
    setattr(ds, f"{colour}PaletteColorLookupTableData", values.astype("<u2").tobytes())
save(ds, "palette.dcm", pack(ramp(0, 255)[0], ds))

# Colour: an RGB picture and its YBR_FULL, YBR_FULL_422 and YBR_PARTIAL_422 encodings (forward PS3.3 C.7.6.3.1.2).
y, x = np.mgrid[0:R, 0:C]
rgb = np.stack([x * 4, y * 5, 255 - x * 2], axis=-1).clip(0, 255).astype(float)
rgb += rng.normal(0, 6, rgb.shape)
rgb = rgb.clip(0, 255)
ds = base("RGB", 8, 8, 7, False, spp=3)
save(ds, "rgb.dcm", rgb.round().astype("u1"))
ds = base("RGB", 8, 8, 7, False, spp=3)
ds.PlanarConfiguration = 1
save(ds, "rgb_planar.dcm", np.moveaxis(rgb.round().astype("u1"), -1, 0))
r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
Y = 0.299 * r + 0.587 * g + 0.114 * b
Cb = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
Cr = 0.5 * r - 0.418688 * g - 0.081312 * b + 128
ds = base("YBR_FULL", 8, 8, 7, False, spp=3)
save(ds, "ybr_full.dcm", np.stack([Y, Cb, Cr], -1).round().clip(0, 255).astype("u1"))


def sub422(Yc, Cbc, Crc):
    out = np.empty((R, C * 2), dtype="u1")
    out[:, 0::4] = Yc[:, 0::2]
    out[:, 1::4] = Yc[:, 1::2]
    out[:, 2::4] = ((Cbc[:, 0::2] + Cbc[:, 1::2]) / 2).round()
    out[:, 3::4] = ((Crc[:, 0::2] + Crc[:, 1::2]) / 2).round()
    return out


ds = base("YBR_FULL_422", 8, 8, 7, False, spp=3)
save(ds, "ybr_full_422.dcm", sub422(Y.round(), Cb, Cr))
Yp = 16 + Y * 219 / 255
Cbp = 128 + (Cb - 128) * 224 / 255
Crp = 128 + (Cr - 128) * 224 / 255
ds = base("YBR_PARTIAL_422", 8, 8, 7, False, spp=3)
save(ds, "ybr_partial_422.dcm", sub422(Yp.round(), Cbp, Crp))

# PALETTE COLOR with Segmented LUT Data (C.7.9.2): discrete, linear and indirect segments; checked against pydicom.
ds = base("PALETTE COLOR", 8, 8, 7, False)


def words(*segments):
    return np.array([w for s in segments for w in s], dtype="<u2").tobytes()


red = words([0, 2, 0, 1000], [1, 126, 65535], [1, 128, 0])                       # discrete, up, down
green = words([0, 1, 65535], [1, 255, 0])                                       # one long ramp down
blue = words([0, 1, 0], [1, 63, 40000], [0, 1, 0], [2, 2, 0, 0], [2, 2, 0, 0], [1, 63, 65535])  # indirect replays of words 0..
for colour, data in (("Red", red), ("Green", green), ("Blue", blue)):
    setattr(ds, f"{colour}PaletteColorLookupTableDescriptor", [256, 0, 16])
    setattr(ds, f"Segmented{colour}PaletteColorLookupTableData", data)
save(ds, "palette_segmented.dcm", pack(ramp(0, 255)[0], ds))
