package registry

import (
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// ErrBlockNotFound is returned when a block is not in the local store.
var ErrBlockNotFound = errors.New("block not found")

// ErrCorruptBlock is returned when a stored block does not hash to its CID.
var ErrCorruptBlock = errors.New("block does not match its cid")

// ErrNoHead is returned when a registry has no head in the local index.
var ErrNoHead = errors.New("registry has no head")

// ErrHeadMoved is returned when another writer moved the head first.
var ErrHeadMoved = errors.New("registry head moved")

// ErrRollback is returned when a head's sequence is not above the highest
// sequence already seen for that registry.
var ErrRollback = errors.New("sequence is not above the highest seen")

// ErrReadOnly is returned when a change is asked of a registry opened
// without its signing key.
var ErrReadOnly = errors.New("registry is read-only without its key")

// ErrDamagedResolution is returned by Index.Resolution when the answer
// stored for a query fails its check: the index was damaged. Resolve then
// answers from the manifest and stores the answer again.
var ErrDamagedResolution = errors.New("cached resolution is damaged")

// ErrServiceNotFound is returned when a service is not in the registry.
var ErrServiceNotFound = errors.New("service not found")

// ErrExists is returned by Init when the registry already has a head.
var ErrExists = errors.New("registry already exists")

// ErrStaleProposal is returned by Submit for a change that does not
// follow the registry's current head: the head moved since it was
// proposed.
var ErrStaleProposal = errors.New("stale proposal: the change does not follow the current head")

// ErrNoRoot is returned when a registry whose head links no trust Root
// is asked for what needs one: a proposed change (only such a registry's
// changes are signed by publish keys) or a rotation of its Root.
var ErrNoRoot = errors.New("registry has no root")

// ErrNotListed is returned, with ErrUntrusted, when a key signs a change
// whose Root does not list it for publishing.
var ErrNotListed = errors.New("key not listed by the root")

// ErrRecordNotFound is returned when a source has no IPNS record for a
// registry.
var ErrRecordNotFound = errors.New("no record for the registry")

// ErrUnreachable is returned when a source cannot be asked: a network
// error, a time-out or a server error.
var ErrUnreachable = errors.New("source unreachable")

// ErrUnavailable is returned when no source could provide a record or a
// block: each was unreachable or did not have it.
var ErrUnavailable = errors.New("not available from any source")

// ErrUnsafeContent is returned when a release's tree holds an entry that
// is never written out: a symlink whose target is absolute or could leave
// the release's directory, or a name that is not a single path element.
var ErrUnsafeContent = errors.New("unsafe content")

// ErrOffline is returned when an answer needs data that is not in the
// local store and the network may not be used.
var ErrOffline = errors.New("not in the local cache and offline")

// ErrNoGateway is returned in place of ErrOffline when the data is not
// stored here and no source is configured to fetch it from (the network
// was not ruled out). It matches ErrOffline too.
var ErrNoGateway error = noGateway{}

type noGateway struct{}

func (noGateway) Error() string     { return "not stored here, and no gateway configured" }
func (noGateway) Is(err error) bool { return err == ErrOffline }

// ErrLockMismatch is returned when a lock entry disagrees with the
// registry's signed manifest: the version has another CID, size, profile
// or hidden flag there, or the registry has no such version or service.
var ErrLockMismatch = errors.New("lock does not match the registry")

// ErrUnverifiable is returned when there is nothing to check a lock
// against: no head of its registry is known here, or the head known here
// is older than the state the lock was made at.
var ErrUnverifiable = errors.New("cannot verify against the registry")

// LockEntryError is returned by Lock when the entry of one service cannot
// be kept or resolved; Err says why (ErrLockMismatch, ErrServiceNotFound,
// manifest.ErrNoMatch, …).
type LockEntryError struct {
	Service manifest.Name
	Err     error
}

func (e *LockEntryError) Error() string { return e.Err.Error() }
func (e *LockEntryError) Unwrap() error { return e.Err }

// HistoryError is returned by Registry.Log when a state older than the
// head is not stored (gc --keep-history removed it, or it was never
// fetched): that state and every older one cannot be read. It wraps the
// read's error (ErrBlockNotFound).
type HistoryError struct {
	Seq  uint64  // the newest state that is not stored
	Root cid.Cid // its manifest block
	Err  error
}

func (e *HistoryError) Error() string {
	if e.Seq == 1 {
		return fmt.Sprintf("state 1 of the history (%s) is no longer in this home", e.Root)
	}
	return fmt.Sprintf("states 1-%d of the history are no longer in this home (state %d is %s)", e.Seq, e.Seq, e.Root)
}

func (e *HistoryError) Unwrap() error { return e.Err }

// ErrUntrusted is returned when a manifest fails the registry's trust
// Root: a Root chain that does not verify from the Root trusted here,
// too few publish signatures, or no Root at all where one was seen
// before (ErrDowngrade). The error wraps package manifest/trust's error
// too (trust.ErrThreshold, trust.ErrRootVersion, …) when there is one.
var ErrUntrusted = errors.New("manifest not signed as the registry's root requires")

// ErrDowngrade is returned, with ErrUntrusted, for a manifest without a
// Root of a registry whose Root was seen before.
var ErrDowngrade = errors.New("manifest has no root, but the registry had one")

// ErrNoPublishKey is returned when a change is asked of a registry whose
// head links a Root and no publish key was given to sign the new
// manifest.
var ErrNoPublishKey = errors.New("registry has a root: changes need a publish key")
