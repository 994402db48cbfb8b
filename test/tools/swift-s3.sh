#!/bin/bash
# Starts a single-node OpenStack Swift with the s3api middleware for the S3 blob store tests.
# Usage: swift-s3.sh DIR BASEPORT   (proxy on BASEPORT; object, container, account, memcached on the next four)
# S3 access key "enamel:svc", secret "enamel-test-secret". Run as root (Swift drops to the swift user).
# Stop with: for f in DIR/run/*.pid; do kill $(cat $f); done
set -euo pipefail
S=$1; P=$2
command -v swift-proxy-server >/dev/null || { echo "swift is not installed: apt-get install swift-proxy swift-account swift-container swift-object memcached" >&2; exit 3; }
rm -rf "$S"; mkdir -p "$S/etc" "$S/srv/node/d1" "$S/run" "$S/log"
cat > "$S/etc/swift.conf" <<CONF
[swift-hash]
swift_hash_path_suffix = enamel-tests
swift_hash_path_prefix = enamel-tests
[storage-policy:0]
name = Policy-0
default = yes
CONF
i=1
for n in object container account; do
  port=$((P + i)); i=$((i + 1))
  cat > "$S/etc/$n-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 1
devices = $S/srv/node
mount_check = false
swift_dir = $S/etc
user = swift
[pipeline:main]
pipeline = $n-server
[app:$n-server]
use = egg:swift#$n
CONF
  (cd "$S/etc" && swift-ring-builder $n.builder create 8 1 1 >/dev/null && swift-ring-builder $n.builder add r1z1-127.0.0.1:$port/d1 100 >/dev/null && swift-ring-builder $n.builder rebalance >/dev/null)
done
MC=$((P + 4))
cat > "$S/etc/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $P
workers = 1
swift_dir = $S/etc
user = swift
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy dlo slo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MC
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
[filter:tempauth]
use = egg:swift#tempauth
user_enamel_svc = enamel-test-secret .admin
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:dlo]
use = egg:swift#dlo
[filter:slo]
use = egg:swift#slo
CONF
chown -R swift:swift "$S"
memcached -u memcache -l 127.0.0.1 -p $MC -m 64 > "$S/log/memcached.log" 2>&1 & echo $! > "$S/run/memcached.pid"
for n in account container object proxy; do swift-$n-server "$S/etc/$n-server.conf" -v > "$S/log/$n.log" 2>&1 & echo $! > "$S/run/$n.pid"; done
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$P/healthcheck" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$P/healthcheck" >/dev/null || { echo "swift did not come up; logs in $S/log" >&2; exit 1; }
# The proxy answers before the account, container and object servers listen (they start concurrently; on a loaded
# machine seconds later), and until then every request is a 503 ("Please reduce your request rate" through s3api).
# Ready means a container and an object can be written through the proxy.
ready=""
for _ in $(seq 1 150); do
  auth=$(curl -s -D - -o /dev/null -H "X-Auth-User: enamel:svc" -H "X-Auth-Key: enamel-test-secret" "http://127.0.0.1:$P/auth/v1.0" | tr -d '\r')
  url=$(sed -n 's/^X-Storage-Url: //Ip' <<<"$auth"); token=$(sed -n 's/^X-Auth-Token: //Ip' <<<"$auth")
  if [ -n "$url" ] && curl -sf -X PUT -H "X-Auth-Token: $token" "$url/readiness" >/dev/null \
     && curl -sf -X PUT -H "X-Auth-Token: $token" --data-binary ready "$url/readiness/probe" >/dev/null; then ready=1; break; fi
  sleep 0.2
done
[ -n "$ready" ] || { echo "swift's storage servers did not come up; logs in $S/log" >&2; exit 1; }
echo "swift s3api up on 127.0.0.1:$P"
