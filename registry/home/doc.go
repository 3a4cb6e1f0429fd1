// Package home is an svcreg home (SVCREG_HOME): the one place that knows
// its layout and opens what it holds.
//
//	key          the registry's ed25519 key (mode 0600)
//	node.key     the node's identity (svcreg serve)
//	blocks/      the block store (registry/flatfs)
//	index.db     the index: heads, floors, resolutions (registry/bolt)
//	heads/       the latest record of each head, beside the index
//	config.json  remotes, replicas and the follow list (Config)
//	records/     records of names not followed (svcreg serve)
//	checked/     when followed registries were last checked
//
// A [Home] opens the block store at once and the rest on first use: the
// key with the one permission rule (ipns.LoadKey), the index once per
// process. An index opened for reading is opened read-only (a shared
// lock, no write transaction, no fsync); a write upgrades it, once, to
// the index lock ([Home.Lock]). A home that may not be written (a
// read-only mount, no write permission, or [Options.ReadOnly]) is read
// without writing anything. Work that waits on the network reads the
// index once into a [bolt.Snapshot] and writes back only what changed
// ([Home.Snapshot], [Home.Commit]), so the index is never locked during
// a request; [Home.Follow] gives a follow.Follower of a registry over
// such a snapshot. [Resolver] says which registry a command means, from
// the home's key, config file and index; [Dir] where the home is.
//
// The home's own registry changes through it: [Home.Init] (with the
// no-fork rule), [Home.Publish] (a directory imported into one batch of
// blocks, synced once before the head moves; [PublishDryRun] hashes it
// only), [ImportKey] and [Home.Import] of a CAR. Their results marshal
// to the JSON the CLI documents.
//
// # Example
//
//	h, err := home.Open(dir, nil)
//	...
//	defer h.Close()
//	reg, err := h.Registry()          // local reads
//	res, err := reg.Resolve(ctx, spec)
package home
