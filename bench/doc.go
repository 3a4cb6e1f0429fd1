// Package bench holds svcreg's cross-package benchmarks (the registry on
// its real bbolt index and block store) and, beside it, the scripts that
// compare svcreg with kubo in one run. `make bench` runs both and ends
// with speed.sh: one table of ratios (svcreg vs kubo, vs dd, registries of
// 1,000,000 releases vs an empty one) measured interleaved; internal/mkhome
// builds those registries.
// conformance.sh (not part of `make bench`: it needs a local copy of the
// gateway-conformance suite) runs that suite against `svcreg serve` and
// kubo's gateway, configured alike (docs/NETWORK.md).
package bench
