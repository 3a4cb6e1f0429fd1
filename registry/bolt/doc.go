// Package bolt implements registry.Cache, svcreg's local index of registry
// heads, rollback floors and cached resolutions, on a single bbolt file.
//
// The file holds bbolt's flock for as long as it is open: a read-write
// Cache excludes every other process (readers included), and a ReadOnly
// Cache shares the lock with other readers. Open waits up to
// Options.Timeout for the lock and then fails with an error wrapping
// ErrLocked.
//
// Every write is one bbolt Update transaction, so a SwapHead either moves
// the head, raises the floor and drops the old resolutions together, or
// does nothing. The bucket layout and the value encodings are described
// in layout.go and codec.go.
package bolt
