// Package maint keeps a home's storage sound: it checks the index and
// every block the registries' heads reach ([Check], svcreg fsck), repairs
// what it can (rebuilds or advances the index, drops wrong cached
// resolutions, quarantines corrupt blocks, fetches missing or damaged
// ones), and removes what no head reaches ([GC], svcreg gc and
// svcreg serve --storage-max).
//
// Every function takes what it works on as explicit inputs — the block
// store, the index file's path, the records directory, the sources to
// fetch from, a clock — and returns a report of plain data: what was
// found, repaired and removed. Deciding what a report means to a user
// (words, hints, exit codes) is the caller's.
//
// # Heads
//
// A home's heads come from two places: the index (index.db) and the
// signed record files kept beside it (bolt.HeadsDir). Check compares them
// and, with Repair, rebuilds a damaged or missing index from the records
// (the rollback floor survives) or moves a stale index forward. GC keeps
// what either reaches, so an index restored from a backup loses nothing.
//
// # Marking
//
// Both walk every head with registry.Reach — each state of the history,
// index nodes, services — and every release's content DAG block by block,
// remembering each block reached by multihash.
//
// # Garbage collection
//
// GC removes only blocks and temporary files last written before its
// cutoff: Grace before now, and never after the start of the oldest
// flatfs.Lease a writer still holds. It removes under the index lock,
// after walking every head that moved since it marked, and with
// flatfs.Store.RemoveIfOlder, which puts back a block touched meanwhile
// (docs/ARCHITECTURE.md, "Garbage collection").
//
// # Errors
//
// A report with problems is no error: [Report.Err] turns it into a
// [*ProblemsError] (errors.Is [ErrProblems]; registry.ErrUnreachable too
// when what is left is only blocks no source answered for). GC fails with
// an [*IndexError] when the index cannot be read and with a
// [*ReachError] when a block a head reaches is stored but damaged: it
// then removes nothing.
package maint
