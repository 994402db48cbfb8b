#!/usr/bin/env bash
# AFL++ over SharpFuzz-instrumented Enamel.Dicom.dll. Usage: test/Enamel.Fuzz/run-afl.sh [SECONDS] [OUT_DIR]
# Needs: apt-get install afl++ ; dotnet tool install --global SharpFuzz.CommandLine
set -euo pipefail
seconds=${1:-600}
out=${2:-fuzz-out/afl}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/fuzz-out/afl-bin"
export PATH="$PATH:$HOME/.dotnet/tools"
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }
command -v sharpfuzz >/dev/null || { echo "sharpfuzz not found: dotnet tool install --global SharpFuzz.CommandLine" >&2; exit 2; }

rm -rf "$bin"
dotnet publish "$root/test/Enamel.Fuzz" -c Release -o "$bin" >/dev/null
sharpfuzz "$bin/Enamel.Dicom.dll"            # instruments the library under test in place

seeds="$root/fuzz-out/afl-seeds"
rm -rf "$seeds" && mkdir -p "$seeds" && cp "$root"/test/TestData/samples/*.dcm "$root"/test/TestData/fuzz/*.dcm "$seeds"/
mkdir -p "$out"
# dotnet itself is not instrumented (skip the binary check); the coverage map comes from SharpFuzz's hooks.
AFL_AUTORESUME=1 AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  afl-fuzz -V "$seconds" -i "$seeds" -o "$out" -t 10000 -m none -- dotnet "$bin/Enamel.Fuzz.dll"
grep -E "execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg" "$out/default/fuzzer_stats" || true
echo "crashes: $out/default/crashes  (replay: dotnet run --project test/Enamel.Fuzz -- --repro $out/default/crashes)"
