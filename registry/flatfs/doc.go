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
// Every read is verified against the requested CID, both through the
// registry.Blocks methods and through the boxo blockstore returned by
// Store.Blockstore. A Put over a corrupt copy rewrites it.
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
