#!/usr/bin/env bash
# Enamel vs Orthanc, every row of issue 12's table side by side in one run (see bench/README.md).
#   bench/run-vs-orthanc.sh            full run: 200-instance sets, 100k-instance QIDO index, the 2,000-instance mixed corpus
#   bench/run-vs-orthanc.sh --quick    development run (60-instance sets, 5k index, no mixed corpus, no Orthanc 1 GiB STOW)
# Other options are passed through (--no-mixed, --intraoral N, --qido-seconds N, --enamel-dll PATH, --work DIR, ...).
# Runs as root: the program re-executes itself under `unshare --net` (loopback only), where Orthanc (with TCP_NODELAY=1),
# Enamel and the load generators all run. The table is also written to <work>/last-report.md.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
dotnet build -c Release -v q -nologo "$repo/bench/Enamel.Bench.Archive"
exec dotnet "$repo/bench/Enamel.Bench.Archive/bin/Release/net10.0/Enamel.Bench.Archive.dll" "$@"
