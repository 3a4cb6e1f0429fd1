#!/usr/bin/env bash
# Whole-process `svcreg publish` of a small service into an empty registry
# and into registries holding 100,000 releases (10,000 services x 10
# versions: one flat index leaf; 100,000 services x 1: a sharded index).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build
N=${N:-20}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
run() { # label services versions
  local home=$work/$1
  SVCREG_HOME=$home bin/svcreg init >/dev/null
  [ "$2" -gt 0 ] && go run ./bench/internal/mkhome -home "$home" -services "$2" -versions "$3" >/dev/null
  SVCREG_HOME=$home bin/svcreg publish warmup@1.0.0 examples/say >/dev/null
  local start end
  start=$(date +%s%N)
  for i in $(seq 1 "$N"); do SVCREG_HOME=$home bin/svcreg publish "say@1.0.$i" examples/say >/dev/null; done
  end=$(date +%s%N)
  echo "$(( (end - start) / N / 1000 ))"
}
e=$(run empty 0 0); f=$(run flat 10000 10); s=$(run sharded 100000 1)
ratio() { python3 -c "print('%.2f' % ($1/$2))"; }
echo "publish (whole process, mean of $N): empty ${e} us; 100k as 10000x10 ${f} us ($(ratio "$f" "$e")x); 100k as 100000x1 ${s} us ($(ratio "$s" "$e")x)"
