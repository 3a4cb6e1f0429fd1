#!/usr/bin/env bash
# speed.sh measures svcreg against kubo and dd side by side and prints one
# table of ratios. Every repetition runs every command once, interleaved, so
# load from other processes hits all of them alike; the table shows medians.
#
#   hash-only  svcreg publish --dry-run  vs  kubo add -r -Q -n
#              (256 MiB file; 5,000 files of 100 B-8 KiB); for the big
#              file also vs its floor: a process that only maps it and
#              hashes its 1 MiB chunks in place with SHA-256 on every
#              core (importbench -floor), and unixfs.Hash alone in a
#              process of its own (importbench) vs the same floor
#   durable    svcreg publish (blocks fsynced before the head moves)
#              vs dd conv=fdatasync of the same bytes on the same disk,
#              and vs kubo add -r -Q storing (fresh repo each run)
#   republish  the same publish again: nothing to write
#   registry   publish of a new version of service-0000000 (the files of
#              examples/say) into homes of 1,000,000 releases vs a fresh
#              empty home (where the publish creates the service). The
#              homes, one per shape SxV[,SxV...] (S services of V versions,
#              see bench/internal/mkhome), are built once and cached under
#              .cache/bench/home-fFORMAT-SHAPE: the first run spends minutes
#              per home, every run adds one version to each.
#
# All CIDs are checked equal to kubo's first. Inputs and homes are cached
# under .cache/bench, so a rerun only measures.
#
# Usage: bench/speed.sh                 (from anywhere in the repository)
#        RUNS=7 KUBO=/path/to/ipfs SKIP_REGISTRY=1 bench/speed.sh
#        RUNS=1 SHAPES='1000x1 100x10 1x2000' bench/speed.sh
# SHAPES replaces the default registry shapes (a space-separated list;
# small ones try the script out in seconds). SKIP_REGISTRY=1 leaves the
# registry rows out.
# To compare with an older build in the same run, set BASE to its svcreg
# binary (publish rows) and BASE_HASH to a hash-only command taking DIR
# (e.g. an older registry/unixfs/internal/importbench); their rows are
# added, marked "before".
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
kubo=${KUBO:-.cache/bin/ipfs}
[[ $kubo != /* ]] && kubo=$root/$kubo
runs=${RUNS:-5}
cache=$root/.cache/bench
mkdir -p "$cache"
work=$(mktemp -d "$cache/run.XXXXXX") # on the same disk as the cache
trap 'rm -rf "$work"' EXIT

# The binary users get (make build), copied: a binary still in the page
# cache as the linker wrote it starts slower than a copy of its bytes.
svcreg=$work/svcreg
make -s build && cp bin/svcreg "$svcreg"
importbench=$work/importbench
CGO_ENABLED=0 go build -trimpath -o "$importbench" ./registry/unixfs/internal/importbench # as make build
[[ -f $cache/big/big.bin ]] || go run ./registry/unixfs/internal/mkfixtures -bigfile 256 "$cache/big"
[[ -d $cache/many ]] || go run ./registry/unixfs/internal/mkfixtures -many 5000 "$cache/many"
if [[ ! -d $cache/kubo-repo ]]; then
	IPFS_PATH=$cache/kubo-repo.tmp "$kubo" init --profile test >/dev/null
	IPFS_PATH=$cache/kubo-repo.tmp "$kubo" config profile apply unixfs-v1-2025 >/dev/null
	mv "$cache/kubo-repo.tmp" "$cache/kubo-repo"
fi
export IPFS_PATH=$work/kubo-n
cp -a "$cache/kubo-repo" "$IPFS_PATH"

# Registry homes for the size rows, built once with bench/internal/mkhome:
# 1,000,000 services of 1 version; 100,000 of 10; 10,000 of 100; one
# service of 100,000 versions beside 900 of 1,000; one service of
# 1,000,000 versions. A home's directory names the manifest format that
# built it, so a format change builds new homes.
read -ra shapes <<<"${SHAPES:-1000000x1 100000x10 10000x100 1x100000,900x1000 1x1000000}"
format=$(sed -nE 's/^[[:space:]]*(const[[:space:]]+)?FormatVersion[[:space:]]*=[[:space:]]*([0-9]+).*/\2/p' manifest/*.go | head -n1)
[[ -n $format ]] || echo "speed.sh: manifest.FormatVersion not found; cached homes are not told apart by format" >&2
declare -A home # shape -> cached home
if [[ -z ${SKIP_REGISTRY:-} ]]; then
	for sh in "${shapes[@]}"; do
		home[$sh]=$cache/home-f$format-${sh//,/+}
		[[ -d ${home[$sh]} ]] && continue
		echo "building registry home $sh (once; cached in ${home[$sh]#"$root"/})"
		rm -rf "${home[$sh]}.tmp"
		SVCREG_HOME=${home[$sh]}.tmp "$svcreg" init >/dev/null
		go run ./bench/internal/mkhome -home "${home[$sh]}.tmp" -shape "$sh"
		mv "${home[$sh]}.tmp" "${home[$sh]}"
	done
fi

echo "svcreg $(git describe --always --dirty 2>/dev/null), kubo $("$kubo" version --number), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $runs runs"

# CIDs first: every svcreg CID must be kubo's.
for in in big many; do
	k=$("$kubo" add -r -Q -n "$cache/$in")
	s=$(SVCREG_HOME=$work/nohome "$svcreg" publish --dry-run "x@1.0.0" "$cache/$in" 2>/dev/null | cut -d' ' -f2)
	if [[ $k != "$s" ]]; then
		echo "CID MISMATCH on $in: kubo $k, svcreg $s" >&2
		exit 1
	fi
	echo "  $in: $k (svcreg = kubo)"
done

# ms CMD... runs CMD and prints its wall time and its CPU time (user +
# system, from /usr/bin/time when installed, else "-") in milliseconds.
ms() {
	local s e cpu=-
	s=$(date +%s%N)
	if [[ -x /usr/bin/time ]]; then
		/usr/bin/time -f "%U %S" -o "$work/time" "$@" >/dev/null 2>&1
	else
		"$@" >/dev/null 2>&1
	fi
	e=$(date +%s%N)
	[[ -x /usr/bin/time ]] && cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$work/time")
	echo "$(((e - s) / 1000000)) $cpu"
}

declare -A t c # name -> space-separated wall / CPU times
stamp=$(date +%s) # makes the versions published into cached homes new
add() {
	local wall cpu
	read -r wall cpu <<<"$2"
	t[$1]+="$wall "
	c[$1]+="$cpu "
}

for ((r = 1; r <= runs; r++)); do
	SVCREG_HOME=$work/home-$r "$svcreg" init >/dev/null
	SVCREG_HOME=$work/empty-$r "$svcreg" init >/dev/null
	cp -a "$cache/kubo-repo" "$work/kubo-$r"
	[[ -n ${BASE:-} ]] && SVCREG_HOME=$work/base-$r "$BASE" init >/dev/null
done
sync
sleep 5

for ((r = 1; r <= runs; r++)); do
	# hash only
	add kubo_n_big "$(ms "$kubo" add -r -Q -n "$cache/big")"
	add svc_n_big "$(ms env SVCREG_HOME="$work/nohome" "$svcreg" publish --dry-run x@1.0.0 "$cache/big")"
	add floor_big "$(ms "$importbench" -floor "$cache/big/big.bin")"
	add lib_n_big "$(ms "$importbench" "$cache/big")"
	add kubo_n_many "$(ms "$kubo" add -r -Q -n "$cache/many")"
	add svc_n_many "$(ms env SVCREG_HOME="$work/nohome" "$svcreg" publish --dry-run x@1.0.0 "$cache/many")"
	if [[ -n ${BASE_HASH:-} ]]; then
		add base_n_big "$(ms $BASE_HASH "$cache/big")"
		add base_n_many "$(ms $BASE_HASH "$cache/many")"
	fi

	# durable writes of the same 256 MiB into fresh targets made before the
	# loop (deleting thousands of files just before creating some makes
	# ext4's inode allocation slow, which would tax svcreg and kubo, not dd)
	sync
	add dd "$(ms dd if="$cache/big/big.bin" of="$work/dd-$r.out" bs=1M conv=fdatasync)"
	sync
	add svc_pub "$(ms env SVCREG_HOME="$work/home-$r" "$svcreg" publish big@1.0.0 "$cache/big")"
	sync
	add kubo_add "$(ms env IPFS_PATH="$work/kubo-$r" "$kubo" add -r -Q "$cache/big")"
	sync
	add svc_repub "$(ms env SVCREG_HOME="$work/home-$r" "$svcreg" publish big@1.0.0 "$cache/big")"
	if [[ -n ${BASE:-} ]]; then
		sync
		add base_pub "$(ms env SVCREG_HOME="$work/base-$r" "$BASE" publish big@1.0.0 "$cache/big")"
		sync
		add base_repub "$(ms env SVCREG_HOME="$work/base-$r" "$BASE" publish big@1.0.0 "$cache/big")"
	fi

	# publish a new version into registries of different sizes: the cached
	# homes themselves (copying a million block files per run costs more
	# than the bench), so each run adds one release to each
	if [[ -z ${SKIP_REGISTRY:-} ]]; then
		sync
		add reg_empty "$(ms env SVCREG_HOME="$work/empty-$r" "$svcreg" publish "service-0000000@2.$stamp.$r" examples/say)"
		for sh in "${shapes[@]}"; do
			sync
			add "reg_$sh" "$(ms env SVCREG_HOME="${home[$sh]}" "$svcreg" publish "service-0000000@2.$stamp.$r" examples/say)"
		done
	fi
done

median() { tr ' ' '\n' | grep -v '^-*$' | sort -n | awk '{ a[NR] = $1 } END { if (!NR) print "nan"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
row() { # label svcreg-key other-key goal
	awk -v l="$1" -v s="$(median <<<"${t[$2]}")" -v o="$(median <<<"${t[$3]}")" \
		-v cs="$(median <<<"${c[$2]}")" -v co="$(median <<<"${c[$3]}")" -v g="$4" \
		'BEGIN { printf "%-62s %9.0f %9.0f %7.2f %7.2f   %s\n", l, s, o, s / o, (co > 0 ? cs / co : 0), g }'
}
# releases SHAPE: "1M releases (1 x 100,000 + 900 x 1,000)" for 1x100000,900x1000
releases() {
	awk -v sh="$1" 'function n(x) { while (x ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", x); return x }
		BEGIN { k = split(sh, p, ","); for (i = 1; i <= k; i++) { split(p[i], f, "x"); all += f[1] * f[2]; d = d (i > 1 ? " + " : "") n(f[1]) " x " n(f[2]) }
		printf "%s releases (%s)", (all % 1000000 ? n(all "") : all / 1000000 "M"), d }'
}

echo
echo "ratio = svcreg wall time / other wall time, medians (below 1: svcreg faster); whole processes."
echo "cpu = the same ratio of CPU time (user + system): what load from other processes does not skew."
printf '%-62s %9s %9s %7s %7s   %s\n' "measure (median of $runs)" "svcreg_ms" "other_ms" "ratio" "cpu" "goal"
row "hash-only 256 MiB: publish --dry-run / kubo add -n" svc_n_big kubo_n_big "<= 0.33 (3x faster)"
row "hash-only 256 MiB: publish --dry-run / SHA-256 floor" svc_n_big floor_big "(info: 1 = the limit)"
row "hash-only 256 MiB: unixfs.Hash alone / SHA-256 floor" lib_n_big floor_big "(info)"
row "hash-only 256 MiB: kubo add -n / SHA-256 floor" kubo_n_big floor_big "(info)"
row "hash-only 5,000 files: --dry-run / kubo add -n" svc_n_many kubo_n_many "<= 0.33 (3x faster)"
row "publish 256 MiB (fsynced) / dd conv=fdatasync" svc_pub dd "<= 1.25"
row "publish 256 MiB (fsynced) / kubo add (storing)" svc_pub kubo_add "< 1"
row "re-publish 256 MiB (nothing written) / dd" svc_repub dd "(info)"
if [[ -n ${BASE_HASH:-} ]]; then
	row "before: hash-only 256 MiB / kubo add -n" base_n_big kubo_n_big ""
	row "before: hash-only 5,000 files / kubo add -n" base_n_many kubo_n_many ""
fi
if [[ -n ${BASE:-} ]]; then
	row "before: publish 256 MiB / dd conv=fdatasync" base_pub dd ""
	row "before: publish 256 MiB / kubo add (storing)" base_pub kubo_add ""
	row "before: re-publish 256 MiB / dd" base_repub dd ""
fi
if [[ -z ${SKIP_REGISTRY:-} ]]; then
	for sh in "${shapes[@]}"; do
		row "publish into $(releases "$sh") / empty" "reg_$sh" reg_empty "<= 1.3"
	done
fi
