#!/usr/bin/env bash
# Warm resolve, whole process: `svcreg resolve` (answer cached in the index)
# against an empty Go program built in the same run (the floor every Go
# program pays to start) and kubo's `ipfs name resolve --offline` of the
# same registry name. hyperfine runs the three in rounds, one after the
# other, so load from other processes hits them alike; the figures are
# medians over all rounds. The first line printed is the init trace of
# the warm answer: how many packages Go initialised before it.
set -euo pipefail
cd "$(dirname "$0")/.."
KUBO=${KUBO:-.cache/bin/ipfs}
ROUNDS=${ROUNDS:-8} RUNS=${RUNS:-10}
command -v hyperfine >/dev/null || { echo "bench/resolve.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
make -s build
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/empty"
printf 'package main\n\nfunc main() {}\n' >"$work/empty/main.go"
CGO_ENABLED=0 go build -trimpath -o "$work/empty-go" "$work/empty/main.go" # as make build
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
for r in $(seq "$ROUNDS"); do
  hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$work/r$r.json" \
    "bin/svcreg resolve say@^1" \
    "$work/empty-go" \
    "$KUBO name resolve --offline /ipns/$name" >/dev/null 2>&1
done
python3 - "$work" "$ROUNDS" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
t, cpu = [[], [], []], [[], [], []]
for r in range(1, rounds + 1):
    for i, res in enumerate(json.load(open("%s/r%d.json" % (work, r)))["results"]):
        t[i] += res["times"]
        cpu[i].append(res["user"] + res["system"])  # a round's mean
s, e, k = (statistics.median(x) * 1000 for x in t)
cs, ce, ck = (statistics.median(x) * 1000 for x in cpu)
print("warm resolve, median of %d: svcreg %.1f ms, empty Go program %.1f ms, kubo %.1f ms" % (len(t[0]), s, e, k))
print("ratio svcreg/empty Go program %.2f (goal <= 1.5), svcreg/kubo %.2f" % (s / e, s / k))
print("CPU (user+system, median of round means): svcreg %.1f ms, empty Go program %.1f ms, ratio %.2f" % (cs, ce, cs / ce))
PY
