#!/usr/bin/env bash
# import.sh compares hash-only import speed of kubo (`ipfs add -r -Q -n`
# with the unixfs-v1-2025 profile) and svcreg's importer
# (registry/unixfs/internal/importbench) on:
#   big   - one 256 MiB file of pseudo-random bytes
#   many  - 5,000 pseudo-random files of 100 B to 8 KiB (50 directories)
#   empty - an empty directory (start-up cost of each process)
# Inputs come from registry/unixfs/internal/mkfixtures, so they are the same
# on every run. It checks that both tools print the same CID, then prints
# the mean time, MB/s and the svcreg/kubo ratios. Timing uses hyperfine if
# installed (apt-get install -y hyperfine), else a `date +%s%N` loop.
#
# Usage: bench/import.sh            (from the repository root)
#        KUBO=/path/to/ipfs RUNS=10 BIG_MIB=256 MANY=5000 bench/import.sh
set -euo pipefail

cd "$(dirname "$0")/.."
kubo=${KUBO:-.cache/bin/ipfs}
runs=${RUNS:-5}
big_mib=${BIG_MIB:-256}
many=${MANY:-5000}
[[ $kubo == */* && $kubo != /* ]] && kubo=$PWD/$kubo

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export IPFS_PATH=$work/ipfs

echo "kubo $("$kubo" version --number) ($kubo), $(go version | cut -d' ' -f3), $(nproc) CPUs, $runs runs"
go build -o "$work/importbench" ./registry/unixfs/internal/importbench
go run ./registry/unixfs/internal/mkfixtures -bigfile "$big_mib" "$work/big"
go run ./registry/unixfs/internal/mkfixtures -many "$many" "$work/many"
mkdir "$work/empty"
"$kubo" init --profile test >/dev/null
"$kubo" config profile apply unixfs-v1-2025 >/dev/null

kubo_cmd() { echo "$kubo add -r -Q -n $work/$1"; }
svc_cmd() { echo "$work/importbench $work/$1"; }

# mean_seconds CMD prints the mean wall time of CMD over $runs runs.
mean_seconds() {
	if command -v hyperfine >/dev/null; then
		hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/h.json" "$1" >/dev/null 2>&1
		jq -r '.results[0].mean' "$work/h.json"
	else
		$1 >/dev/null # warm-up
		local start end
		start=$(date +%s%N)
		for _ in $(seq "$runs"); do $1 >/dev/null; done
		end=$(date +%s%N)
		awk -v ns=$((end - start)) -v n="$runs" 'BEGIN { printf "%.6f\n", ns / n / 1e9 }'
	fi
}

printf '\n%-6s %10s %12s %12s %10s %10s %10s %10s\n' input bytes kubo_s svcreg_s kubo_MB/s svcreg_MB/s time_s/k MB/s_s/k
for input in big many empty; do
	kc=$($(kubo_cmd $input))
	sc=$($(svc_cmd $input))
	if [[ $kc != "$sc" ]]; then
		echo "CID MISMATCH on $input: kubo $kc, svcreg $sc" >&2
		exit 1
	fi
	bytes=$(find "$work/$input" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
	kt=$(mean_seconds "$(kubo_cmd $input)")
	st=$(mean_seconds "$(svc_cmd $input)")
	awk -v name="$input" -v b="$bytes" -v k="$kt" -v s="$st" 'BEGIN {
		km = b / k / 1e6; sm = b / s / 1e6
		printf "%-6s %10d %12.3f %12.3f %10.1f %11.1f %10.2f %10s\n", name, b, k, s, km, sm, s / k, (b ? sprintf("%.2f", sm / km) : "-")
	}'
	echo "       cid $kc (equal)"
done
echo
echo "time_s/k = svcreg time / kubo time (below 1: svcreg faster); MB/s_s/k = svcreg MB/s / kubo MB/s."
