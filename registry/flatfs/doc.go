// Package flatfs implements registry.Blocks on a directory in go-ds-flatfs's
// on-disk format, laid out like kubo's blocks directory: one file per
// block, named by the base32 multihash and sharded by its next-to-last two
// characters (flatfs.NextToLast(2)). Blocks are keyed by multihash, so the
// CIDv0 and the CIDv1 of the same hash share one file, as in kubo.
//
// Several processes may use one directory at once: every write goes to a
// unique temporary file beside its target and is renamed into place (then
// fsynced with the directory unless Options.NoSync). go-ds-flatfs's own
// Datastore cannot do this — its Open clears a .temp directory shared by
// all writers — so this package reads and writes the format itself and
// uses go-ds-flatfs only for the sharding definition.
//
// A Batch (Store.NewBatch, and Store.PutMany built on it) writes many
// blocks with one round of syncs: each goes to a temporary file unsynced,
// and Commit fsyncs them all in parallel, renames them into place and
// fsyncs the directories that gained names. A file under a block's name has
// thus always been synced before it got that name, so a block found stored
// with the right bytes is not written again.
//
// Every read is verified against the requested CID, both through the
// registry.Blocks methods and through the boxo blockstore returned by
// Store.Blockstore. A Put over a corrupt copy rewrites it.
//
// # What is verified when
//
// A block is hashed on its first read by a Store, and again whenever its
// file has changed since the last verified read. The Store remembers each
// verified file version by its identity — device, inode, size,
// modification and change time, taken from the open file the bytes were
// read from — and serves a later read of the same version without hashing
// it again. Any write to the file (even one that puts the modification
// time back: the change time moves), a new file renamed over it, or a
// truncation makes a new version, which is hashed before it is served. So
// no byte is returned that was not verified since it was last written to
// disk. Up to 2^18 versions are remembered per Store; past that the memory
// starts over. On platforms without inode numbers every read is hashed.
//
// Of small blocks (up to 256 KiB, 32 MiB in all) the Store also keeps the
// verified bytes, and answers a later read with a copy of them while a
// stat of the file shows the same version: one system call instead of
// four (open, fstat, pread, close). A block whose file is gone or has
// changed is read from disk, and hashed, as any other.
//
// # Maintenance
//
// A Put of a block that is already stored and intact touches its file (the
// modification time), so the age of a block file is the time since the
// last write that relied on it. svcreg gc removes only unreachable blocks
// older than a grace period ([Store.RemoveIfOlder]), which is what makes
// it safe beside concurrent publishes; [Store.List], [Store.Check],
// [Store.Quarantine] and [Store.Temps] serve svcreg fsck and gc.
package flatfs
