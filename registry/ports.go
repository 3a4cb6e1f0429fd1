package registry

import (
	"context"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// Blocks is content-addressed block storage. Implementations verify every
// block they return against its CID.
type Blocks interface {
	// Get returns the bytes of the block c. It wraps ErrBlockNotFound when
	// the block is absent and ErrCorruptBlock when the stored bytes do not
	// hash to c.
	Get(ctx context.Context, c cid.Cid) ([]byte, error)
	// Put stores data under c. The caller guarantees that data hashes to c.
	Put(ctx context.Context, c cid.Cid, data []byte) error
	// Has reports whether the block c is stored.
	Has(ctx context.Context, c cid.Cid) (bool, error)
}

// BlockBatcher is implemented by Blocks that can store several blocks with
// one round of syncs. The registry stores a change's blocks with it when
// available.
type BlockBatcher interface {
	// PutMany stores blocks; when it returns, every one of them is stored
	// as durably as Put would store it. The caller guarantees that each
	// block's data hashes to its CID.
	PutMany(ctx context.Context, blocks []manifest.Block) error
}

// Head is the verified current manifest root of one registry.
type Head struct {
	Name   string  // the registry's IPNS name (k51…)
	Root   cid.Cid // the manifest root block
	Seq    uint64  // the manifest sequence number, equal to the IPNS record's
	Record []byte  // the marshalled, signed IPNS record pointing at Root
}

// Resolution is one answer to "which release does name@query pick at this
// manifest root". Only a yanked version named exactly resolves with Yanked
// set, and Registry.Resolve never caches such an answer, so a Index need
// not store Yanked and YankReason.
type Resolution struct {
	Service    manifest.Name
	Version    manifest.Version
	CID        cid.Cid
	Yanked     bool
	YankReason string
	// Damaged, set by Registry.Resolve only, is why the cached answer was
	// not used: it failed its check (wraps ErrDamagedResolution). The
	// answer then comes from the manifest.
	Damaged error
}

// Index is the local index of heads, rollback floors and resolutions.
type Index interface {
	// Head returns the stored head of the registry name. It wraps ErrNoHead
	// when none is stored.
	Head(ctx context.Context, name string) (Head, error)
	// SwapHead replaces the head of h.Name with h in one transaction, if the
	// stored head's sequence is still prevSeq (0: no head stored). It wraps
	// ErrHeadMoved when another writer got there first and ErrRollback when
	// h.Seq is not above the registry's floor. It raises the floor to h.Seq
	// and drops the resolutions cached for older roots.
	SwapHead(ctx context.Context, prevSeq uint64, h Head) error
	// Floor returns the highest sequence ever accepted for name (0: none).
	Floor(ctx context.Context, name string) (uint64, error)
	// Resolution returns the cached answer for query at root, if any. It
	// wraps ErrDamagedResolution when the stored answer fails its check
	// (and drops it, where the cache can write).
	Resolution(ctx context.Context, name string, root cid.Cid, query string) (Resolution, bool, error)
	// PutResolution caches an answer for query at root. It is a no-op when
	// root is no longer the head of name.
	PutResolution(ctx context.Context, name string, root cid.Cid, query string, r Resolution) error
}

// RecordRefresher is implemented by a Index that can replace the head's
// record by a fresher one for the same state (a re-signed record: same
// sequence and root, later end of life).
type RecordRefresher interface {
	// RefreshRecord replaces the record of h.Name's head by h.Record if
	// the stored head still has h.Seq, h.Root and the record old. It wraps
	// ErrHeadMoved otherwise. The caller has verified that h.Record is
	// valid and fresher than old.
	RefreshRecord(ctx context.Context, old []byte, h Head) error
}

// Signer signs IPNS records for one registry key.
type Signer interface {
	// Name returns the registry's IPNS name (k51…).
	Name() string
	// Sign returns a marshalled IPNS record (V1+V2 signatures) whose value
	// is /ipfs/<root> and whose sequence is seq.
	Sign(root cid.Cid, seq uint64) ([]byte, error)
}

// Source is an untrusted place to fetch a registry from: an HTTP gateway,
// a delegated routing endpoint, a peer. The registry verifies everything a
// Source returns before it stores or uses it.
type Source interface {
	// Record returns the marshalled IPNS record the source holds for the
	// registry name (k51…). It wraps ErrRecordNotFound when the source
	// has none and ErrUnreachable when the source cannot be asked (network
	// errors, time-outs, server errors).
	Record(ctx context.Context, name string) ([]byte, error)
	// Block returns the bytes the source serves for c, unverified. It
	// wraps ErrBlockNotFound when the source has no such block and
	// ErrUnreachable when the source cannot be asked.
	Block(ctx context.Context, c cid.Cid) ([]byte, error)
	// String names the source (its URL) in errors and reports.
	String() string
}

// RecordVerifier checks signed IPNS records.
type RecordVerifier interface {
	// VerifyRecord checks that raw is an IPNS record signed by the key of
	// the registry name, not past its end of life, whose value is
	// /ipfs/<root>, and returns what it says. Its errors say why a record
	// is refused; the registry passes them on wrapped.
	VerifyRecord(name string, raw []byte) (Record, error)
}

// Record is the content of a verified IPNS record.
type Record struct {
	Root     cid.Cid       // the manifest root it points at
	Seq      uint64        // its sequence number, equal to the manifest's seq
	Validity time.Time     // its end of life
	TTL      time.Duration // how long a copy may be used without asking again
}

// RootFloor is the highest trust Root (package manifest/trust) verified
// for a registry: the signed Root block and its version. The zero value
// means none was ever recorded.
type RootFloor struct {
	Root    cid.Cid // the signed Root block
	Version uint64  // its version
}

// RootFloorIndex is implemented by an Index that keeps a root floor per
// registry. A Fetcher moves it with the head; an index without it still
// has every manifest checked against the Root it links, but cannot refuse
// a manifest without one after a Root was seen (no memory of it).
type RootFloorIndex interface {
	// RootFloor returns the root floor of name (zero: none recorded).
	RootFloor(ctx context.Context, name string) (RootFloor, error)
	// SwapHeadRoot is SwapHead that also sets the root floor of h.Name to
	// rf, in the same transaction. It wraps ErrRollback when rf.Version
	// is below the stored floor, or equal to it with another Root.
	SwapHeadRoot(ctx context.Context, prevSeq uint64, h Head, rf RootFloor) error
}

// ResolutionIndex is implemented by an Index that lists the queries it
// holds answers for and caches answers with the head it moves. A
// Registry that changes (Publish, Yank, Tag, Submit, …) answers those
// queries again at the new head, with the bare names of the services it
// changed, and moves the head with the answers, so that a read after a
// change finds them cached and writes nothing.
type ResolutionIndex interface {
	// Queries returns the queries answered at root for name.
	Queries(ctx context.Context, name string, root cid.Cid) ([]string, error)
	// SwapHeadResolutions is SwapHead (SwapHeadRoot when rf.Root is
	// defined and the index keeps root floors) that also caches the
	// answers rs at h.Root, in the same transaction.
	SwapHeadResolutions(ctx context.Context, prevSeq uint64, h Head, rf RootFloor, rs map[string]Resolution) error
}
