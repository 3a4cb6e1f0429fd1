// Package registry is svcreg's application layer: it publishes releases
// into a registry's manifest, resolves name@range queries, and keeps the
// head, the rollback floor and a resolution cache in a local index.
//
// It orchestrates only. Storage and crypto come in through interfaces
// defined here and implemented by adapter subpackages named for what they
// wrap: [Blocks] (registry/flatfs), [Index] (registry/bolt), [Signer]
// (registry/ipns); the UnixFS importer lives in registry/unixfs. This
// package imports neither bbolt nor boxo.
//
// # Changes
//
// Every change (publish, tag, yank) reads the head, builds new blocks,
// stores them, signs a new IPNS record and then moves the head with one
// compare-and-swap in the index. A writer that loses the race starts again
// from the new head, so concurrent writers never lose an update, and a
// crash before the swap leaves only unreferenced blocks behind.
//
// # Other registries
//
// A [Fetcher] brings a registry this home follows up to date from
// [Source]s (gateways, routing endpoints): it verifies every record with a
// [RecordVerifier] and refuses sequences below the floor, then fetches only
// the blocks an answer needs and checks each against its CID before it is
// stored.
//
// A fetched DAG-CBOR block must decode as a registry block before it is
// stored ([CheckFetched]).
//
// # Moving to a new name
//
// A stolen IPNS key can burn a name: a record at [FinalSeq] outranks every
// other. The owner moves the registry ([Registry.PrepareMove],
// [Move.Sign], [Registry.SubmitMove]): a Root version naming the new
// name, a Moved block signed by the root keys, and the old name's final
// record pointing at it. A Fetcher reports a move that verifies from the
// Root it trusts as a *[MovedError] ([ErrMoved]) and keeps its head; a
// final record that is no verified move wraps [ErrBurnt].
// [Registry.VerifyMove] checks a move against a lock's and a project's
// Roots.
//
// # One history
//
// A registry's states form one signed history, so Init must not start a
// second one at seq 1. [Registry.CheckFork] refuses a key whose
// registry has no head here (a *[ForkError] saying what the home knows of
// its history: the floor, stored states, remotes that follow it), and
// [CheckLostKey] a home without a key whose [HeadIndex] holds a registry
// of its own (a *[LostKeyError]). Both match their sentinels ([ErrFork],
// [ErrLostKey]) with errors.Is. registry/car adopts the states a CAR
// carries.
//
// # Checking and collecting
//
// [Reach] lists every block registry heads reach — every state, index
// node and service block, and each release's content root — for svcreg
// fsck (which checks them) and svcreg gc (which keeps them).
// [RecoverHead] finds the newest state that stored records prove, to
// rebuild a lost index.
//
// # Lockfiles
//
// [Registry.Lock] resolves a project's services into a manifest.Lock;
// [Registry.Check] compares a lock with the signed manifest and reports
// each finding with its class.
//
//	reg, _ := registry.New(registry.Config{Blocks: store, Index: cache, Signer: signer})
//	head, changed, err := reg.Publish(ctx, registry.Publication{Service: "tts", Version: v, Content: root, Profile: "unixfs-v1-2025"})
package registry
