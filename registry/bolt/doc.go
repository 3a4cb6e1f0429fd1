// Package bolt implements registry.Index, svcreg's local index of registry
// heads, rollback floors and cached resolutions, on a single bbolt file.
//
// The file holds bbolt's flock for as long as it is open: a read-write
// Index excludes every other process (readers included), and a ReadOnly
// Index shares the lock with other readers. Open waits up to
// Options.Timeout for the lock and then fails with an error wrapping
// ErrLocked.
//
// Every write is one bbolt Update transaction, so a SwapHead either moves
// the head, raises the floor and drops the old resolutions together, or
// does nothing. The bucket layout and the value encodings are described
// in layout.go and codec.go.
//
// # Damage
//
// Open checks the file against bbolt's meta pages before bbolt maps it
// (bbolt maps as many pages as the meta page names, so a truncated file
// would crash the process with SIGBUS, and it silently re-initialises an
// empty file); a damaged file is an error wrapping ErrCorruptIndex. Each
// transaction refuses a file that shrank while open, and bbolt's panics
// and memory faults become ErrCorruptIndex. [Index.Check] runs bbolt's
// full consistency check and decodes every value.
//
// # Head files
//
// SwapHead also keeps each registry's latest signed record as a file in
// [HeadsDir], beside the index, written inside the transaction before it
// commits. A lost or damaged index can then be rebuilt from the records
// and the blocks without losing the rollback floor ([ReadHeadFiles]).
package bolt
