"""pydicom's side of the Enamel benchmark. Usage: pydicom_bench.py header|full|large LISTFILE_OR_PATH [PASSES]

Prints key=value figures: files, bytes, seconds, maxrss_kb (peak resident set of this process: VmHWM,
not ru_maxrss, which Linux carries over from the parent across exec).
header and full report the best of PASSES timed passes (as the Enamel side does).
header: dcmread(stop_before_pixels=True); full: dcmread + the PixelData bytes;
large: dcmread + every frame sliced from PixelData (pydicom 2.x has no frame-by-frame reader for native data).
"""
import os
import sys
import time

import pydicom


def vmhwm_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def main():
    mode, target = sys.argv[1], sys.argv[2]
    passes = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    files = [target] if mode == "large" else [l.strip() for l in open(target) if l.strip()]
    total = sum(os.path.getsize(f) for f in files)
    check = 0
    # warm-up (imports, first-use caches) outside the timed pass
    if mode != "large":
        for f in files[:10]:
            pydicom.dcmread(f, stop_before_pixels=(mode == "header"))
    seconds = float("inf")
    for _ in range(passes if mode != "large" else 1):
        start = time.perf_counter()
        if mode == "header":
            for f in files:
                ds = pydicom.dcmread(f, stop_before_pixels=True)
                check += len(ds)
        elif mode == "full":
            for f in files:
                ds = pydicom.dcmread(f)
                check += ds.PixelData[-1]
        else:
            ds = pydicom.dcmread(target)
            frame_len = int(ds.Rows) * int(ds.Columns) * (int(ds.BitsAllocated) // 8) * int(ds.get("SamplesPerPixel", 1))
            frames = int(ds.get("NumberOfFrames", 1))
            data = memoryview(ds.PixelData)
            for i in range(frames):
                frame = bytes(data[i * frame_len:(i + 1) * frame_len])
                check += frame[-1]
        seconds = min(seconds, time.perf_counter() - start)
    maxrss = vmhwm_kb()
    print(f"files={len(files)} bytes={total} seconds={seconds!r} maxrss_kb={maxrss} check={check}")


if __name__ == "__main__":
    main()
