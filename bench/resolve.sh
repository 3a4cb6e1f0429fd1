#!/usr/bin/env bash
# Warm resolve, whole process: `svcreg resolve` (answer cached in the index)
# against kubo's `ipfs name resolve --offline` of the same registry name,
# measured in one run with hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
KUBO=${KUBO:-.cache/bin/ipfs}
command -v hyperfine >/dev/null || { echo "bench/resolve.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
make -s build
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SVCREG_HOME=$work/home IPFS_PATH=$work/ipfs
name=$(bin/svcreg init)
bin/svcreg publish say@1.0.0 examples/say >/dev/null
bin/svcreg resolve 'say@^1' >/dev/null   # warm the cache
# kubo: the same key, a record for the same root, resolved offline
"$KUBO" init --profile test >/dev/null 2>&1
bin/svcreg key export -o "$work/key" >/dev/null
"$KUBO" key import svcreg "$work/key" >/dev/null
root=$(bin/svcreg name --json | sed -n 's/.*"root": "\(.*\)".*/\1/p')
"$KUBO" name publish --allow-offline --resolve=false --key=svcreg "/ipfs/$root" >/dev/null
hyperfine -N --warmup 5 --runs 40 --export-json "$work/r.json" \
  "bin/svcreg resolve say@^1" \
  "$KUBO name resolve --offline /ipns/$name"
mean() { python3 -c "import json,sys; r=json.load(open('$work/r.json'))['results']; print('%.1f' % (r[$1]['mean']*1000))"; }
s=$(mean 0); k=$(mean 1)
echo "warm resolve: svcreg ${s} ms, kubo ${k} ms, ratio svcreg/kubo $(python3 -c "print('%.2f' % ($s/$k))")"
