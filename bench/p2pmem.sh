#!/usr/bin/env bash
# p2pmem.sh measures the memory of an idle `svcreg serve --p2p` node
# connected to PEERS online kubo daemons, on loopback only: each kubo
# runs with the test profile, Routing.Type dht,
# Routing.LoopbackAddressesOnLanDHT and no bootstrap peers (as the p2p
# tests run them); the node is bootstrapped to all of them, serves a home
# with one published release, and is left idle for IDLE seconds once its
# /healthz counts PEERS peers. It prints the node's resident memory
# (VmRSS) after the idle time, its peak (VmHWM) and, as a yardstick, the
# kubo daemons' VmRSS at the same moment. BEFORE=path/to/svcreg measures
# another binary (say, one built from main) the same way, on a copy of
# the home, against the same kubos.
#
# Usage: bench/p2pmem.sh            (from the repository root; needs make kubo)
#        KUBO=/path/to/ipfs PEERS=3 IDLE=60 BEFORE=/tmp/svcreg-main bench/p2pmem.sh
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh
peers=${PEERS:-3}
idle=${IDLE:-60}
before=${BEFORE:-}
[[ -n $before && $before != /* ]] && before=$PWD/$before
use_kubo

start_work

kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

# waitfor SECONDS WHAT COMMAND…: runs COMMAND every 0.2 s until it
# succeeds, failing after SECONDS.
waitfor() {
	local end=$((SECONDS + $1)) what=$2
	shift 2
	until "$@"; do
		((SECONDS < end)) || { echo "p2pmem.sh: $what: not within the time" >&2; exit 1; }
		sleep 0.2
	done
}

echo "load average $(cut -d" " -f1-3 /proc/loadavg), kubo $("$kubo" version --number), $(go version | cut -d' ' -f3), $(nproc) CPUs"
mkdir -p "$work/bin"
CGO_ENABLED=0 go build -trimpath -tags urfave_cli_no_docs -o "$work/bin/svcreg" ./cmd/svcreg

bootstrap=()
kubo_pids=()
for i in $(seq "$peers"); do
	export IPFS_PATH=$work/ipfs$i
	"$kubo" init --empty-repo --profile test >/dev/null
	"$kubo" config Routing.Type dht
	"$kubo" config --json Routing.LoopbackAddressesOnLanDHT true
	"$kubo" config --json Bootstrap '[]'
	"$kubo" config --json Plugins.Plugins.telemetry.Disabled true
	"$kubo" daemon >"$work/kubo$i.log" 2>&1 &
	pids+=($!) kubo_pids+=($!)
	waitfor 60 "kubo $i ready" grep -qs "Daemon is ready" "$work/kubo$i.log"
	for a in $("$kubo" id -f '<addrs>'); do
		[[ $a == /ip4/127.0.0.1/* ]] && bootstrap+=(--bootstrap "$a/p2p/$("$kubo" id -f '<id>')")
	done
done
unset IPFS_PATH

export SVCREG_HOME=$work/home
"$work/bin/svcreg" init >/dev/null
"$work/bin/svcreg" publish say@1.0.0 examples/say >/dev/null

# measure NAME BINARY HOME: starts serve --p2p, waits for the peers,
# idles, prints the figures, stops it.
measure() {
	local name=$1 bin=$2 home=$3 out=$work/$1.out
	SVCREG_HOME=$home "$bin" serve --listen 127.0.0.1:0 --p2p \
		--p2p-listen /ip4/127.0.0.1/tcp/0 --p2p-listen /ip4/127.0.0.1/udp/0/quic-v1 "${bootstrap[@]}" >"$out" 2>"$work/$name.err" &
	local pid=$!
	pids+=("$pid")
	waitfor 30 "$name listening" grep -qs "^svcreg serve: http://" "$out"
	local url
	url=$(sed -n 's|^svcreg serve: \(http://[^ ]*/\) registry.*|\1|p' "$out")
	connected() { curl -fsS "${url}healthz" | python3 -c "import json,sys; sys.exit(json.load(sys.stdin)['p2p']['peers'] < $peers)"; }
	waitfor 60 "$name connected to $peers peers" connected
	sleep "$idle"
	local now
	now=$(curl -fsS "${url}healthz" | python3 -c "import json,sys; print(json.load(sys.stdin)['p2p']['peers'])")
	local k=()
	for p in "${kubo_pids[@]}"; do k+=("$(mib "$(kib "$p" VmRSS)")"); done
	echo "$name: after ${idle} s idle with $now peers: RSS $(mib "$(kib "$pid" VmRSS)"), peak $(mib "$(kib "$pid" VmHWM)"); the kubos: ${k[*]}"
	kill -TERM "$pid"
	wait "$pid" || true
}

if [[ -n $before ]]; then
	cp -a "$work/home" "$work/home-before"
	measure before "$before" "$work/home-before"
fi
measure svcreg "$work/bin/svcreg" "$work/home"
