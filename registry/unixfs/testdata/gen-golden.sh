#!/usr/bin/env bash
# gen-golden.sh regenerates golden.txt next to it with a real kubo 0.43.1.
#
# The fixture trees come from `go run ./registry/unixfs/internal/mkfixtures`,
# the same code the Go test uses, so both hash identical bytes. Each profile
# gets a throwaway IPFS_PATH: `ipfs init --profile test` followed by
# `ipfs config profile apply <profile>`; `ipfs add` then runs offline with
# --only-hash, so nothing is stored and no daemon is needed.
#
# Usage: registry/unixfs/testdata/gen-golden.sh
#        KUBO=/path/to/ipfs registry/unixfs/testdata/gen-golden.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
kubo=${KUBO:-$repo/.cache/bin/ipfs}
want_version=0.43.1
profiles=(unixfs-v1-2025 unixfs-v0-2015)

version=$("$kubo" version --number)
if [[ $version != "$want_version" ]]; then
	echo "gen-golden: $kubo is kubo $version, want $want_version" >&2
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo"
go run ./registry/unixfs/internal/mkfixtures "$work/trees"
go run ./registry/unixfs/internal/mkfixtures -list >"$work/cases"

for p in "${profiles[@]}"; do
	IPFS_PATH="$work/ipfs-$p" "$kubo" init --profile test >/dev/null
	IPFS_PATH="$work/ipfs-$p" "$kubo" config profile apply "$p" >/dev/null
done

out="$here/golden.txt"
{
	echo "# Golden CIDs from a real kubo $want_version; regenerate with gen-golden.sh."
	echo "# Per profile P, in a fresh IPFS_PATH:"
	echo "#   ipfs init --profile test && ipfs config profile apply P"
	echo "# Per case: ipfs add -r -Q --only-hash [-H] TREE   (-H where the case is hidden)"
	echo "# Trees: go run ./registry/unixfs/internal/mkfixtures DIR   (cases: -list)"
	echo "# case profile cid"
	while read -r name tree hidden; do
		flags=(-r -Q --only-hash)
		[[ $hidden == true ]] && flags+=(-H)
		for p in "${profiles[@]}"; do
			cid=$(IPFS_PATH="$work/ipfs-$p" "$kubo" add "${flags[@]}" "$work/trees/$tree")
			echo "$name $p $cid"
		done
	done <"$work/cases"
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "gen-golden: wrote $(grep -vc '^#' "$out") CIDs to $out" >&2
