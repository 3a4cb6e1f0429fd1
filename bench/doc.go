// Package bench holds svcreg's cross-package benchmarks (the registry on
// its real bbolt index and block store) and, beside it, the scripts that
// compare svcreg with kubo in one run. `make bench` runs both and ends
// with speed.sh: one table of ratios (svcreg vs kubo, vs dd, large vs
// empty registries) measured interleaved.
package bench
