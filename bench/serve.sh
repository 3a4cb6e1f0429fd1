#!/usr/bin/env bash
# serve.sh compares `svcreg serve` with kubo's gateway serving the same
# content from their own block stores, in one run, on loopback only:
#   small - requests/s for a 1 KiB file   (wrk, THREADS threads, CONNS connections)
#   big   - MB/s for one 256 MiB file     (wrk, BIG_CONNS connections, whole-file GETs)
# Each server gets DURATION per measurement, in ROUNDS alternating rounds
# (svcreg, kubo, svcreg, …) while the other server is idle, so that other
# load on the machine slows both alike. The content is published with
# `svcreg publish` and added to kubo with `ipfs add -r` after applying the
# unixfs-v1-2025 profile, so both serve the same CID (checked), and both
# answers are checked byte for byte before timing. kubo runs
# `ipfs daemon --offline` in a temporary IPFS_PATH.
# svcreg verifies (hashes) every block it serves; kubo by default does
# not: KUBO_HASH_ON_READ=true makes kubo do the same work.
# BEFORE=path/to/svcreg adds a third server, another svcreg binary (say,
# one built from main) serving the same home, measured in the same
# alternating rounds: its figures and the new one's ratio to them.
# Needs wrk (apt-get install -y wrk) and kubo (make kubo).
#
# Usage: bench/serve.sh            (from the repository root)
#        KUBO=/path/to/ipfs DURATION=10s ROUNDS=5 CONNS=50 THREADS=2 BIG_CONNS=1 BIG_MIB=256 \
#        KUBO_HASH_ON_READ=true BEFORE=/tmp/svcreg-main bench/serve.sh
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh
duration=${DURATION:-10s}
rounds=${ROUNDS:-5}
conns=${CONNS:-50}
threads=${THREADS:-2}
big_conns=${BIG_CONNS:-1}
big_mib=${BIG_MIB:-256}
before=${BEFORE:-}
[[ -n $before && $before != /* ]] && before=$PWD/$before
command -v wrk >/dev/null || { echo "serve.sh needs wrk: apt-get install -y wrk" >&2; exit 1; }
use_kubo

start_work
export SVCREG_HOME=$work/home IPFS_PATH=$work/ipfs

echo "load average $(cut -d" " -f1-3 /proc/loadavg 2>/dev/null || uptime)"
echo "kubo $("$kubo" version --number) (HashOnRead=${KUBO_HASH_ON_READ:-false}), $(go version | cut -d' ' -f3), $(nproc) CPUs, $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
mkdir -p "$work/bin"
make -s build && cp bin/svcreg "$work/bin/svcreg" # the binary users get, copied
go run ./registry/unixfs/internal/mkfixtures -bigfile "$big_mib" "$work/site"
head -c 1024 "$work/site/big.bin" >"$work/site/small.txt"

# The same content in both stores.
"$work/bin/svcreg" init >/dev/null
svc_cid=$("$work/bin/svcreg" publish bench@1.0.0 "$work/site" | cut -d' ' -f2)
"$kubo" init --profile test >/dev/null
"$kubo" config profile apply unixfs-v1-2025 >/dev/null
# svcreg hashes every block it reads; kubo does not unless asked to.
"$kubo" config --json Datastore.HashOnRead "${KUBO_HASH_ON_READ:-false}" >/dev/null
kubo_cid=$("$kubo" add -r -Q "$work/site")
if [[ $svc_cid != "$kubo_cid" ]]; then
	echo "CID MISMATCH: svcreg $svc_cid, kubo $kubo_cid" >&2
	exit 1
fi

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

# Both servers on free loopback ports (the test profile listens on port 0).
"$work/bin/svcreg" serve --listen 127.0.0.1:0 >"$work/svcreg.log" 2>&1 &
pids+=($!)
"$kubo" daemon --offline >"$work/kubo.log" 2>&1 &
pids+=($!)
svc_url=$(wait_line "$work/svcreg.log" 'http://127\.0\.0\.1:[0-9]+')
before_url=
if [[ -n $before ]]; then
	"$before" serve --listen 127.0.0.1:0 >"$work/before.log" 2>&1 &
	pids+=($!)
	before_url=$(wait_line "$work/before.log" 'http://127\.0\.0\.1:[0-9]+')
fi
kubo_port=$(wait_line "$work/kubo.log" 'Gateway server listening on /ip4/127\.0\.0\.1/tcp/[0-9]+' | grep -oE '[0-9]+$')
kubo_url=http://127.0.0.1:$kubo_port
wait_line "$work/kubo.log" 'Daemon is ready' >/dev/null

# Both must serve the same bytes before either is timed.
for f in small.txt big.bin; do
	for u in "$svc_url" "$kubo_url" ${before_url:+"$before_url"}; do
		curl -fsS "$u/ipfs/$svc_cid/$f" | cmp - "$work/site/$f"
	done
done

# wrk_run CONNS THREADS URL runs wrk for one round and prints
# "requests seconds bytes" (bytes include partly received bodies).
wrk_run() {
	wrk -t"$2" -c"$1" -d"$round_s"s --timeout 60s "$3" | tee -a "$work/wrk.log" | awk '
		function bytes(s,   n, u) {
			n = s + 0; u = s; sub(/^[0-9.]+/, "", u)
			return n * (u == "KB" ? 1024 : u == "MB" ? 1048576 : u == "GB" ? 1073741824 : u == "TB" ? 1099511627776 : 1)
		}
		/requests in/ { r = $1; t = $4 + 0; if ($4 ~ /ms,$/) t /= 1000; if ($4 ~ /m,$/ && $4 !~ /ms/) t *= 60; b = bytes($5) }
		END { printf "%d %.3f %.0f\n", r, t, b }'
}

# add TOTAL A prints the sum of two "requests seconds bytes" triples.
add() {
	awk -v x="$1" -v y="$2" 'BEGIN { split(x, a, " "); split(y, b, " "); printf "%d %s %.0f\n", a[1] + b[1], a[2] + b[2], a[3] + b[3] }'
}

# compare NAME CONNS THREADS PATH measures the servers in $rounds
# alternating rounds (so that a busy machine slows them alike) and prints
# "svcreg_total kubo_total before_total" lines of "requests seconds bytes"
# (before's is 0 0 0 without BEFORE).
compare() {
	local s="0 0 0" k="0 0 0" b="0 0 0"
	for _ in $(seq "$rounds"); do
		s=$(add "$s" "$(wrk_run "$2" "$3" "$svc_url$4")")
		k=$(add "$k" "$(wrk_run "$2" "$3" "$kubo_url$4")")
		if [[ -n $before_url ]]; then
			b=$(add "$b" "$(wrk_run "$2" "$3" "$before_url$4")")
		fi
	done
	echo "$s $k $b"
}

secs=${duration%s}
round_s=$(awk -v d="$secs" -v r="$rounds" 'BEGIN { v = int(d / r); print (v < 1 ? 1 : v) }')
read -r sr st _ kr kt _ br bt _ <<<"$(compare small "$conns" "$threads" "/ipfs/$svc_cid/small.txt")"
read -r _ bst bsb _ bkt bkb _ bbt bbb <<<"$(compare big "$big_conns" 1 "/ipfs/$svc_cid/big.bin")"
small_s=$(awk -v r="$sr" -v t="$st" 'BEGIN { print r / t }')
small_k=$(awk -v r="$kr" -v t="$kt" 'BEGIN { print r / t }')
big_s=$(awk -v b="$bsb" -v t="$bst" 'BEGIN { print b / t / 1e6 }')
big_k=$(awk -v b="$bkb" -v t="$bkt" 'BEGIN { print b / t / 1e6 }')

printf '\n%-6s %-22s %14s %14s %12s\n' test measure svcreg kubo svcreg/kubo
awk -v s="$small_s" -v k="$small_k" -v c="$conns" 'BEGIN { printf "%-6s %-22s %14.0f %14.0f %12.2f\n", "small", "requests/s (1 KiB, " c " conns)", s, k, s / k }'
awk -v s="$big_s" -v k="$big_k" -v m="$big_mib" 'BEGIN { printf "%-6s %-22s %14.1f %14.1f %12.2f\n", "big", "MB/s (" m " MiB file)", s, k, s / k }'
if [[ -n $before_url ]]; then
	printf '\n%-6s %-22s %14s %14s %12s\n' test measure svcreg before svcreg/before
	awk -v s="$small_s" -v r="$br" -v t="$bt" -v c="$conns" 'BEGIN { b = r / t; printf "%-6s %-22s %14.0f %14.0f %12.2f\n", "small", "requests/s (1 KiB, " c " conns)", s, b, s / b }'
	awk -v s="$big_s" -v x="$bbb" -v t="$bbt" -v m="$big_mib" 'BEGIN { b = x / t / 1e6; printf "%-6s %-22s %14.1f %14.1f %12.2f\n", "big", "MB/s (" m " MiB file)", s, b, s / b }'
	echo "       before: $before"
fi
echo "       load average at the end $(cut -d" " -f1-3 /proc/loadavg 2>/dev/null || uptime)"
echo "       cid $svc_cid (equal); $duration per server and measurement in $rounds rounds; above 1: svcreg faster"
