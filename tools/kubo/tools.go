// Package kubo pins the kubo version that svcreg's interoperability tests
// and benchmarks run against. It is built by `make kubo`; nothing imports it.
package kubo
