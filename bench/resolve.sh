#!/usr/bin/env bash
# Warm resolve, whole process: `svcreg resolve` (answer cached in the index)
# against an empty Go program built in the same run (what every Go program
# pays to start), svcreg's own floor (the same sources, built in a
# temporary copy with one more package that exits in its init, which Go
# runs before any of svcreg's: what loading and starting a binary of this
# size costs, whatever its packages do) and kubo's `ipfs name resolve --offline` of the same
# registry name. hyperfine runs the four in rounds, one after the other
# (kubo, the slowest by far, last), so load from other processes hits
# them alike; the figures are medians over all rounds. The first line printed is the init trace of the warm
# answer: how many packages Go initialised before it.
set -euo pipefail
cd "$(dirname "$0")/.."
KUBO=${KUBO:-.cache/bin/ipfs}
ROUNDS=${ROUNDS:-30} RUNS=${RUNS:-3}
command -v hyperfine >/dev/null || { echo "bench/resolve.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
make -s build
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/empty"
printf 'package main\n\nfunc main() {}\n' >"$work/empty/main.go"
CGO_ENABLED=0 go build -trimpath -o "$work/empty-go" "$work/empty/main.go" # as make build
# The floor: package floor has no imports and sorts before internal/warm,
# so Go runs its init right after the runtime's own (and one tiny
# package, crypto/internal/fips140deps/cpu); it exits there (exit_group).
case $(go env GOARCH) in
amd64) exit_asm='	MOVQ	$0, DI
	MOVQ	$231, AX
	SYSCALL' ;;
arm64) exit_asm='	MOVD	$0, R0
	MOVD	$94, R8
	SVC' ;;
*) echo "bench/resolve.sh: the floor binary needs amd64 or arm64" >&2; exit 1 ;;
esac
mkdir "$work/src"
tar -C . --exclude=./.cache --exclude=./bin --exclude=./.git -cf - . | tar -C "$work/src" -xf -
mkdir "$work/src/cmd/svcreg/internal/floor"
printf 'package floor\n\nfunc exit()\n\nfunc init() { exit() }\n' >"$work/src/cmd/svcreg/internal/floor/floor.go"
printf '#include "textflag.h"\n\nTEXT ·exit(SB), NOSPLIT, $0-0\n%s\n\tRET\n' "$exit_asm" >"$work/src/cmd/svcreg/internal/floor/exit.s"
printf 'package main\n\nimport _ "github.com/svcreg/svcreg/cmd/svcreg/internal/floor"\n' >"$work/src/cmd/svcreg/floor.go"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -tags "$(sed -n 's/^BUILDTAGS *:= *//p' Makefile)" -o "$work/floor" ./cmd/svcreg)
export SVCREG_HOME=$work/home IPFS_PATH=$work/ipfs
name=$(bin/svcreg init)
bin/svcreg publish say@1.0.0 examples/say >/dev/null
bin/svcreg resolve 'say@^1' >/dev/null   # warm the cache
GODEBUG=inittrace=1 bin/svcreg resolve 'say@^1' 2>&1 >/dev/null |
  awk '$1 == "init" { n++; ms += $5 } END { printf "warm resolve: %d packages with init work before the answer, %.2f ms of init\n", n, ms }'
# kubo: the same key, a record for the same root, resolved offline
"$KUBO" init --profile test >/dev/null 2>&1
bin/svcreg key export -o "$work/key" >/dev/null
"$KUBO" key import svcreg "$work/key" >/dev/null
root=$(bin/svcreg name --json | sed -n 's/.*"root": "\(.*\)".*/\1/p')
"$KUBO" name publish --allow-offline --resolve=false --key=svcreg "/ipfs/$root" >/dev/null
cmds=("$work/empty-go" "bin/svcreg resolve say@^1" "$work/floor resolve say@^1" "$KUBO name resolve --offline /ipns/$name")
for r in $(seq "$ROUNDS"); do
  # Each round starts with the next command: where a command stands in
  # a round shifts its time by a few percent on a shared machine.
  order=()
  for i in 0 1 2 3; do order+=("${cmds[$(((i + r) % 4))]}"); done
  hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$work/r$r.json" "${order[@]}" >/dev/null 2>&1
done
python3 - "$work" "$ROUNDS" "${cmds[@]}" <<'PY'
import json, statistics, sys
work, rounds, cmds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
t, cpu = {c: [] for c in cmds}, {c: [] for c in cmds}
for r in range(1, rounds + 1):
    for res in json.load(open("%s/r%d.json" % (work, r)))["results"]:
        t[res["command"]] += res["times"]
        cpu[res["command"]].append(res["user"] + res["system"])  # a round's mean
e, s, f, k = (statistics.median(t[c]) * 1000 for c in cmds)
ce, cs, cf, ck = (statistics.median(cpu[c]) * 1000 for c in cmds)
print("warm resolve, median of %d runs each, ms and x the empty Go program:" % len(t[cmds[0]]))
print("%-34s %8s %8s %8s %8s" % ("", "wall ms", "x empty", "CPU ms", "x empty"))
for label, w, c in (("empty Go program", e, ce), ("svcreg floor (exits in its init)", f, cf),
                    ("svcreg resolve (warm)", s, cs), ("kubo name resolve --offline", k, ck)):
    print("%-34s %8.2f %8.2f %8.2f %8.2f" % (label, w, w / e, c, c / ce))
print("ratio svcreg/empty Go program %.2f (goal <= 1.5; the floor alone is %.2f), svcreg/floor %.2f, svcreg/kubo %.2f"
      % (s / e, f / e, s / f, s / k))
PY
