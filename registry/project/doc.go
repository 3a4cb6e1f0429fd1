// Package project is the workflow of a project that consumes services from
// a registry: its svcreg.json ([Load]), its svcreg.lock ([ReadLock],
// [Project.Lock]), checking the lock ([Project.Inspect],
// [Project.CheckRegistry], [Classify], [Project.Overview]), where a home
// follows the registry from ([Target]) and bringing the registry's copy up
// to date before either ([Refresh]), writing the locked releases into the
// project ([Install]) and checking that a build reproduces a release
// ([Verify]). docs/LOCKFILE.md describes the files; [LockResult] and
// [Overview] marshal as the JSON docs/CLI.md documents for svcreg lock and
// check.
//
// The rules of locking and checking themselves (which entries are kept,
// what a finding is) are [registry.Registry.Lock] and
// [registry.Registry.Check]; this package adds the files around them and
// the verdict a set of findings stands for. Opening the registry is the
// caller's: the functions take a [registry.Registry], an index and a
// [Syncer].
//
// # Errors
//
// A missing lockfile wraps [ErrLockMissing] (and fs.ErrNotExist), one that
// cannot be decoded [ErrLockUnreadable] (and manifest.ErrInvalidLock); a
// project file that cannot be opened wraps [ErrProjectUnreadable], one
// that names its registry wrongly is a [*NameError]. Messages name files,
// never commands to run: the command line adds those.
//
// # Example
//
//	p, err := project.Load(ctx, "svcreg.json", "", target.New(target.Config{}))
//	…
//	old, err := project.ReadLock(p.LockPath) // ErrLockMissing: a first lock
//	res, err := p.Lock(ctx, reg, old, registry.LockOptions{})
//	// res.Written: svcreg.lock changed on disk
package project
