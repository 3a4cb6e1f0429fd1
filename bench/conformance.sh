#!/usr/bin/env bash
# conformance.sh runs the IPFS gateway-conformance suite against
# `svcreg serve` and against kubo's gateway, in one run, configured as
# kubo's own CI configures kubo (.github/workflows/gateway-conformance.yml):
#   - subdomain gateways on example.com and localhost (InlineDNSLink),
#   - the suite's fixtures: CARs imported (svcreg import / ipfs dag import),
#     its IPNS records PUT through /routing/v1/ipns (kubo: ipfs routing put),
#     its DNSLink names given as SVCREG_NS_MAP / IPFS_NS_MAP,
#   - run with --gateway-url http://127.0.0.1:PORT
#     --subdomain-url http://localhost:PORT, skipping the one subtest kubo
#     skips (TestGatewayCar/…/Header_Content-Length).
# It prints passed and failed subtests for each, and the tests kubo passes
# that svcreg fails. Loopback only; nothing is downloaded but the suite's
# Go modules (through the Go module proxy, or the module cache).
#
# The suite is not part of this repository: pass a local copy of
# github.com/ipfs/gateway-conformance (a git checkout or an unpacked
# release) as CONFORMANCE_DIR. It is never part of `make test`.
#
# Usage: CONFORMANCE_DIR=/path/to/gateway-conformance bench/conformance.sh
#        KUBO=/path/to/ipfs  OUT=dir (keeps the JSON reports)  RUN=regex (go test -run)
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh
: "${CONFORMANCE_DIR:?set CONFORMANCE_DIR to a local copy of github.com/ipfs/gateway-conformance}"
suite=$(cd "$CONFORMANCE_DIR" && pwd)
use_kubo
command -v jq >/dev/null || { echo "conformance.sh needs jq" >&2; exit 1; }
skip='TestGatewayCar/GET_response_for_application/vnd.ipld.car/Header_Content-Length'

start_work
out=${OUT:-$work/out}
mkdir -p "$out"

# name_cid prints an IPNS name (a peer ID or a CID) as a CIDv1 libp2p-key
# in base36, the form /routing/v1/ipns/ takes.
name_cid() {
	python3 - "$1" <<'PY'
import sys
s = sys.argv[1]
if s[0] == "k":
    print(s); sys.exit()
a = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
n = 0
for ch in s:
    n = n * 58 + a.index(ch)
mh = n.to_bytes((n.bit_length() + 7) // 8, "big")
mh = b"\0" * (len(s) - len(s.lstrip("1"))) + mh
b = bytes([1, 0x72]) + mh
n = int.from_bytes(b, "big")
d = ""
while n:
    n, r = divmod(n, 36)
    d = "0123456789abcdefghijklmnopqrstuvwxyz"[r] + d
print("k" + d)
PY
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_line FILE REGEX prints the first match of REGEX in FILE, waiting up to 60 s.
wait_line() {
	for _ in $(seq 600); do
		if line=$(grep -m1 -oE "$2" "$1" 2>/dev/null); then
			echo "$line"
			return
		fi
		sleep 0.1
	done
	echo "timed out waiting for $2 in $1:" >&2
	cat "$1" >&2
	exit 1
}

echo "gateway-conformance $(cd "$suite" && git describe --tags --always 2>/dev/null || echo '(no git)'), kubo $("$kubo" version --number), $(go version | cut -d' ' -f3)"
go build -trimpath -o "$work/svcreg" ./cmd/svcreg
(cd "$suite" && go run ./cmd/gateway-conformance extract-fixtures --directory "$work/fixtures" >/dev/null)
(cd "$suite" && go test -c -o "$work/conformance.test" ./tests)
ns_map=$(cat "$work/fixtures/dnslinks.IPFS_NS_MAP")

# run_suite NAME PORT runs the suite against 127.0.0.1:PORT and prints
# "passed failed" subtest counts; the JSON report goes to $out/NAME.json.
run_suite() {
	(cd "$suite/tests" && GATEWAY_CONFORMANCE_HOME=$suite GATEWAY_URL=http://127.0.0.1:$2 SUBDOMAIN_GATEWAY_URL=http://localhost:$2 \
		go tool test2json -t -p "$1" "$work/conformance.test" -test.v=test2json -test.skip "$skip" ${RUN:+-test.run "$RUN"} \
		>"$out/$1.json" 2>"$out/$1.stderr" || true)
	jq -rs '[.[] | select(.Test != null and (.Action == "pass" or .Action == "fail"))] |
		"\(map(select(.Action == "pass")) | length) \(map(select(.Action == "fail")) | length)"' "$out/$1.json"
}

# svcreg: a home with the fixtures' blocks, the records PUT to the server.
export SVCREG_HOME=$work/home
"$work/svcreg" init >/dev/null
for car in "$work"/fixtures/*.car; do
	"$work/svcreg" import "$car" >/dev/null 2>>"$out/svcreg-import.log" || echo "svcreg import $(basename "$car") failed: see $out/svcreg-import.log" >&2
done
svc_port=$(free_port)
SVCREG_NS_MAP=$ns_map "$work/svcreg" serve --listen "127.0.0.1:$svc_port" \
	--subdomain-host example.com --subdomain-host localhost >"$work/svcreg.log" 2>&1 &
pids+=($!)
wait_line "$work/svcreg.log" 'http://127\.0\.0\.1:[0-9]+' >/dev/null
for rec in "$work"/fixtures/*.ipns-record; do
	key=$(basename "$rec" .ipns-record | cut -d_ -f1)
	# /routing/v1/ipns/ takes the name as a CIDv1 (libp2p-key), not a peer ID.
	key=$(name_cid "$key")
	code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/vnd.ipfs.ipns-record' \
		--data-binary @"$rec" "http://127.0.0.1:$svc_port/routing/v1/ipns/$key")
	# The suite's broken records are refused (400), by kubo too.
	[[ $code == 200 ]] || echo "record $(basename "$rec"): $code" >&2
done
read -r svc_pass svc_fail <<<"$(run_suite svcreg "$svc_port")"
kill "${pids[0]}"

# kubo, as its CI sets it up.
export IPFS_PATH=$work/ipfs
kubo_port=$(free_port)
"$kubo" init -e --profile test >/dev/null
"$kubo" config --json Gateway.PublicGateways '{
	"example.com": {"UseSubdomains": true, "InlineDNSLink": true, "Paths": ["/ipfs", "/ipns"]},
	"localhost": {"UseSubdomains": true, "InlineDNSLink": true, "Paths": ["/ipfs", "/ipns"]}}'
"$kubo" config Addresses.Gateway "/ip4/127.0.0.1/tcp/$kubo_port"
find "$work/fixtures" -name '*.car' -exec "$kubo" dag import --pin-roots=false {} \; >/dev/null
for rec in "$work"/fixtures/*.ipns-record; do
	key=$(basename "$rec" .ipns-record | cut -d_ -f1)
	"$kubo" routing put --allow-offline "/ipns/$key" "$rec" >/dev/null
done
IPFS_NS_MAP=$ns_map "$kubo" daemon --offline >"$work/kubo.log" 2>&1 &
pids+=($!)
wait_line "$work/kubo.log" 'Daemon is ready' >/dev/null
read -r kubo_pass kubo_fail <<<"$(run_suite kubo "$kubo_port")"

printf '\n%-8s %8s %8s\n' server passed failed
printf '%-8s %8s %8s\n' svcreg "$svc_pass" "$svc_fail" kubo "$kubo_pass" "$kubo_fail"
jq -rs '[.[] | select(.Test != null and .Action == "pass") | .Test] | unique[]' "$out/kubo.json" >"$work/kubo.pass"
jq -rs '[.[] | select(.Test != null and .Action == "fail") | .Test] | unique[]' "$out/svcreg.json" >"$work/svcreg.fail"
regress=$(comm -12 "$work/kubo.pass" "$work/svcreg.fail")
echo "passed by kubo, failed by svcreg: $(grep -c . <<<"$regress" || true)"
[[ -z $regress ]] || sed 's/^/  /' <<<"$regress"
