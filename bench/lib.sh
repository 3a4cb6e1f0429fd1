# Shared by the bench scripts that run servers: source it after
# `cd` to the repository root.

# use_kubo sets kubo to $KUBO (default .cache/bin/ipfs) as an absolute
# path and fails unless it is an executable.
use_kubo() {
	kubo=${KUBO:-.cache/bin/ipfs}
	[[ $kubo == */* && $kubo != /* ]] && kubo=$PWD/$kubo
	[[ -x $kubo ]] || { echo "no kubo at $kubo: run make kubo or set KUBO" >&2; exit 1; }
}

# start_work makes the temporary directory $work and stops every process
# listed in the array pids, then removes $work, when the script exits.
start_work() {
	work=$(mktemp -d)
	pids=()
	trap cleanup EXIT
}

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
