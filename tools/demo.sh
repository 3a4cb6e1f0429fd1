#!/usr/bin/env bash
# make demo: a registry in a temporary home, examples/say published and
# resolved, then `svcreg serve` on a free loopback port and a page fetched
# through it. With SERVE=1 the server stays up (for a browser) until
# Ctrl-C. The temporary home lives only as long as the demo: it is removed
# when the demo ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SVCREG:-./bin/svcreg} # the binary to demonstrate (tests set another)
home=$(mktemp -d "${TMPDIR:-/tmp}/svcreg-demo.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$home"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export SVCREG_HOME="$home"

echo "registry: $($bin init)"
$bin publish say@1.0.0 examples/say
echo "resolve say@^1 -> $($bin resolve 'say@^1')"
$bin info say@1.0.0

# Serve on a free port: svcreg prints "svcreg serve: http://ADDR/ registry
# k51…" once it listens. Wait at most 10 s for that line.
: >"$home/serve.out"  # exists before the server (a child) opens it
$bin serve --listen "${LISTEN:-127.0.0.1:0}" >"$home/serve.out" 2>"$home/serve.err" &
pid=$!
base=
for _ in $(seq 100); do
  base=$(sed -n 's|^svcreg serve: \(http://[^ ]*/\) registry .*|\1|p' "$home/serve.out")
  [ -n "$base" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$home/serve.err" >&2; exit 1; fi
  sleep 0.1
done
if [ -z "$base" ]; then echo "svcreg serve did not start within 10 s" >&2; cat "$home/serve.err" >&2; exit 1; fi

url="${base}svc/say@^1/?say=hello%20from%20svcreg"
body=$(curl -fsS -g --max-time 10 "$url")
if ! grep -q '<title>say</title>' <<<"$body"; then
  echo "unexpected page from $url:" >&2; echo "$body" >&2; exit 1
fi
echo "served: $url ($(wc -c <<<"$body") bytes, examples/say/index.html)"

if [ -n "${SERVE:-}" ]; then
  echo "serving until Ctrl-C: open $url in a browser (the temporary home is removed when it stops)"
  wait "$pid"
else
  echo "to keep it up for a browser: make demo SERVE=1 (LISTEN=127.0.0.1:8080 for a fixed port); the temporary home is removed when it stops"
fi
