#!/usr/bin/env bash
# Start-up cost of each package linked into svcreg: runs a command with
# GODEBUG=inittrace=1 several times and prints the median init clock time
# per package, largest first, and the total. docs/ARCHITECTURE.md records
# the figures.
#
#   bench/inittrace.sh           every package: `svcreg --version`, which
#                                does not take the warm path
#   bench/inittrace.sh resolve   the packages Go initialises before a warm
#                                `svcreg resolve` answers
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-15}
make -s build
cmd=(bin/svcreg --version)
if [ "${1:-}" = resolve ]; then
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  export SVCREG_HOME=$work/home
  bin/svcreg init >/dev/null
  bin/svcreg publish say@1.0.0 examples/say >/dev/null
  bin/svcreg resolve 'say@^1' >/dev/null # caches the answer
  cmd=(bin/svcreg resolve 'say@^1')
fi
for _ in $(seq "$runs"); do
  GODEBUG=inittrace=1 "${cmd[@]}" 2>&1 >/dev/null | awk '$1 == "init" { print $2, $5 }'
done | python3 -c '
import sys, statistics, collections
d = collections.defaultdict(list)
for line in sys.stdin:
    pkg, ms = line.split()
    d[pkg].append(float(ms))
med = {p: statistics.median(v) for p, v in d.items()}
print("package | init ms (median of %d)" % len(next(iter(d.values()))))
print("---|---")
for p, m in sorted(med.items(), key=lambda x: -x[1])[:12]:
    print("%s | %.2f" % (p, m))
print("all %d packages with init work | %.2f" % (len(med), sum(med.values())))
'
