#!/usr/bin/env bash
# Regenerates test/Fixtures/datafolder-v1: a data folder written by the release BEFORE numbered migrations
# (the commit named in its README), through the real `enamel` commands only. Synthetic test data, throw-away key.
#
#   git worktree add /tmp/enamel-v1-src <commit>  &&  test/Fixtures/make-datafolder-v1.sh /tmp/enamel-v1-src
#
# With no argument the current checkout is built: only right while the checkout still is that release.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
src="${1:-$(cd "$here/../.." && pwd)}"
out="$here/datafolder-v1"
work="$(mktemp -d)"
bin="$work/bin"
data="$work/data"
trap 'if [[ -n "${serve_pid:-}" ]]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

commit="$(git -C "$src" rev-parse HEAD)"
dotnet build "$src/src/Enamel.Cli" -c Debug -o "$bin" -nologo -v q >/dev/null
enamel() { "$bin/enamel" "$@"; }

samples="$src/test/TestData/samples"
export Enamel__Clinic=main

port=$((20000 + RANDOM % 20000))
# 1. serve creates the folder (master key, keys/, store/, index.db, first admin) and answers HTTPS.
serve_log="$work/serve.log"
"$bin/enamel" serve --data "$data" --http-port "$port" --no-dicom --listen 127.0.0.1 >"$work/admin-password" 2>"$serve_log" &
serve_pid=$!
wait_up() {
  for _ in $(seq 1 120); do
    if curl -sk -o /dev/null "https://127.0.0.1:$port/signin"; then return 0; fi
    if ! kill -0 "$serve_pid" 2>/dev/null; then cat "$serve_log" >&2; return 1; fi
    sleep 0.5
  done
  echo "serve did not come up" >&2; return 1
}
stop_serve() { kill "$serve_pid"; wait "$serve_pid" || true; serve_pid=; }
wait_up
stop_serve

# 2. accounts: a dentist in two clinics, a receptionist, a privacy officer, one disabled hygienist.
enamel users add drsmith --role dentist --clinic main --clinic north --display-name "Dr Smith" --data "$data" >/dev/null
enamel users add reception --role receptionist --clinic main --data "$data" >/dev/null
enamel users add privacy --role privacy-officer --clinic main --data "$data" >/dev/null
enamel users add temp --role hygienist --clinic main --data "$data" >/dev/null
enamel users disable temp --data "$data"
enamel roles add xray-reader --permission Imaging:Read --description "reads images only" --data "$data" >/dev/null

# 3. three patients, three studies (MR 4MR1; NM 8NM1 with two instances; SC ID1 with two instances).
mkdir -p "$work/import"
cp "$samples/MR_small.dcm" "$samples/JPEG2000.dcm" "$samples/JPEG-lossy.dcm" "$samples/SC_rgb_rle.dcm" "$samples/SC_rgb_jpeg_dcmtk.dcm" "$work/import/"
enamel import "$work/import" --as drsmith --data "$data" --report "$work/import-report.tsv" >/dev/null
# Same SOP Instance as MR_small.dcm, other transfer syntax: kept as a new version of that instance.
Enamel__KeepVersions=true enamel import "$samples/MR_small_RLE.dcm" --as drsmith --data "$data" --report "$work/import-report-2.tsv" >/dev/null || true

# 4. a patient moves clinic (Demographics:Amend in both clinics).
enamel patients move 8NM1 --to north --as drsmith --data "$data"

# 5. tokens: one live, one revoked.
enamel tokens create --user drsmith --name cbct-unit --scope Imaging:Read Imaging:Create --days 366 --data "$data" >"$work/token-live"
revoked_id="$(enamel tokens create --user drsmith --name old-scanner --scope Imaging:Read --days 30 --data "$data" 2>&1 >/dev/null | sed -n 's/^I: token \([^ ]*\) .*/\1/p')"
enamel tokens revoke "$revoked_id" --data "$data"

# 6. served requests with the live token (reads and one denial are audited), then stop.
"$bin/enamel" serve --data "$data" --http-port "$port" --no-dicom --listen 127.0.0.1 >/dev/null 2>"$serve_log" &
serve_pid=$!
wait_up
token="$(cat "$work/token-live")"
curl -sk -o /dev/null -H "Authorization: Bearer $token" "https://127.0.0.1:$port/dicom-web/studies"
curl -sk -o /dev/null -H "Authorization: Bearer $token" "https://127.0.0.1:$port/dicom-web/studies/1.3.6.1.4.1.5962.1.2.4.20040826185059.5457/metadata"
curl -sk -o /dev/null -H "Authorization: Bearer $token" "https://127.0.0.1:$port/api/audit"
# Enough audited reads that the trail passes entry 100 and holds a signed checkpoint.
for _ in $(seq 1 70); do curl -sk -o /dev/null -H "Authorization: Bearer $token" "https://127.0.0.1:$port/dicom-web/studies?PatientID=4MR1"; done
stop_serve
enamel audit verify --data "$data" >/dev/null

# 7. the fixture: index.db checkpointed into one file, no tls/ (regenerated at start), owner-only modes as written.
sqlite3 "$data/index.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
rm -f "$data/index.db-wal" "$data/index.db-shm"
rm -rf "$data/tls"
rm -rf "$out"
mkdir -p "$out"
cp -a "$data/." "$out/"
cp "$work/token-live" "$out/fixture-token.txt"
chmod -R u+rwX,go-rwx "$out"

q() { sqlite3 "$out/index.db" "$1"; }
{
  echo "# datafolder-v1: synthetic test data"
  echo
  echo "A data folder written by Enamel at commit \`$commit\` (before numbered migrations), made by"
  echo "\`test/Fixtures/make-datafolder-v1.sh\` through the real \`enamel\` commands (serve, users, roles, import, patients move,"
  echo "tokens, served DICOMweb and audit requests with a token). **Synthetic test data, throw-away master key**: never use"
  echo "this folder, its key or its token for anything real. The DICOM objects are the public samples in test/TestData/samples."
  echo
  echo "The tests open a copy of it with the current code (migrations run) and assert the lists below."
  echo
  echo "## Studies (Study Instance UID, Patient ID, clinic, instances)"
  q "SELECT '- ' || st.study_uid || ' ' || p.patient_id || ' ' || p.clinic || ' ' || (SELECT count(*) FROM series se JOIN instances i ON i.series_pk = se.pk WHERE se.study_pk = st.pk) FROM studies st JOIN patients p ON p.pk = st.patient_pk ORDER BY st.study_uid;"
  echo
  echo "## Instances (SOP Instance UID)"
  q "SELECT '- ' || sop_uid FROM instances ORDER BY sop_uid;"
  echo
  echo "Instance versions kept: $(q 'SELECT count(*) FROM instance_versions;')"
  echo
  echo "## Users (user name, roles, disabled)"
  q "SELECT '- ' || u.user_name || ' ' || (SELECT group_concat(role) FROM user_roles r WHERE r.user_id = u.id) || ' ' || u.disabled FROM users u ORDER BY u.user_name;"
  echo
  echo "## Custom roles"
  q "SELECT '- ' || name FROM custom_roles ORDER BY name;"
  echo
  echo "## Tokens (name, revoked)"
  q "SELECT '- ' || name || ' ' || CASE WHEN revoked IS NULL THEN 'active' ELSE 'revoked' END FROM api_tokens ORDER BY name;"
  echo
  echo "The active token \`cbct-unit\` of drsmith (scope Imaging:Read Imaging:Create, 366 days from the date below) is:"
  echo
  echo "    $(cat "$work/token-live")"
  echo
  echo "(also in fixture-token.txt)"
  echo
  echo "## Audit"
  echo "Audit entries: $(q 'SELECT count(*) FROM audit_log;'); head sequence $(q 'SELECT seq FROM audit_head;'); checkpoints $(q 'SELECT count(*) FROM audit_checkpoints;')."
  echo "Actions: $(q "SELECT group_concat(action || ' x' || n, ', ') FROM (SELECT action, count(*) n FROM audit_log GROUP BY action ORDER BY action);")"
  echo
  echo "Made $(date -u +%Y-%m-%dT%H:%M:%SZ)."
} >"$out/README.md"
echo "wrote $out ($(du -sh "$out" | cut -f1))"
