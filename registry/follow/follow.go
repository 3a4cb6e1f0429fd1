package follow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/remote"
)

// Index is the local index a Follower keeps its state in: heads and
// floors (registry.Index) and when each registry's upstreams last gave a
// valid answer. *bolt.Index and *bolt.Transient implement it; a Follower
// that waits on the network should get a *bolt.Transient, so that the
// index's file lock is held for one operation at a time, never across a
// request.
type Index interface {
	registry.Index
	// Checked returns when MarkChecked was last called for name (zero:
	// never).
	Checked(ctx context.Context, name string) (time.Time, error)
	// MarkChecked records that name's upstreams gave a valid answer at t.
	MarkChecked(ctx context.Context, name string, t time.Time) error
	registry.RecordRefresher
	// Signing returns the lifetime and TTL that seq of name was first
	// signed with; ok is false when none is stored for seq.
	Signing(ctx context.Context, name string, seq uint64) (lifetime, ttl time.Duration, ok bool, err error)
	// SetSigning stores the lifetime and TTL that seq of name was signed with.
	SetSigning(ctx context.Context, name string, seq uint64, lifetime, ttl time.Duration) error
	// ReplicaState returns the state stored for a replica of name (nil:
	// none); PutReplicaState stores it (nil: deletes it).
	ReplicaState(ctx context.Context, name, replica string) ([]byte, error)
	PutReplicaState(ctx context.Context, name, replica string, v []byte) error
}

// Config wires a Follower. Name, Blocks and Index are required.
type Config struct {
	Name   ipnsrec.Name    // the registry followed
	Own    bool            // this home holds the key (upstreams may lag behind it)
	Blocks registry.Blocks // the local block store; verified blocks are kept here
	Index  Index           // heads, floors, freshness
	// Gateways are the upstreams' URLs: trustless gateways, or other
	// svcreg nodes (which are trustless gateways too). Empty or Offline:
	// only the local copy answers.
	Gateways []string
	// Sources are asked beside the gateways, after them (a peer on the
	// IPFS network, registry/peer): records and blocks from them are
	// checked as the gateways' are. Offline: none is asked.
	Sources   []registry.Source
	Offline   bool
	Timeout   time.Duration    // per upstream request (0: remote.DefaultTimeout)
	UserAgent string           // sent with every request when set
	Client    *http.Client     // makes the requests to the upstreams (nil: remote's own)
	Logger    *slog.Logger     // nil: discard
	Now       func() time.Time // nil: time.Now
}

// Follower keeps the local copy of one registry in step with its
// upstreams and pushes it on. It owns the rules every command and the
// server share: which upstreams to ask and in which order, when the copy
// is fresh enough to answer without asking (the record's TTL since the
// last valid answer, kept in the index), which record may become the
// head, and how a copy is pushed to a kubo node. Nothing an upstream says
// is trusted: see registry.Fetcher.
type Follower struct {
	cfg      Config
	name     string
	log      *slog.Logger
	gateways []*remote.Gateway
	online   bool // there are gateways or other sources to ask
	fetcher  *registry.Fetcher
	reg      *registry.Registry
	latest   atomic.Pointer[registry.Head] // the head the last Sync ended with
}

// New returns a Follower for cfg. It fails with ErrBadUpstream when a
// gateway URL is unusable.
func New(cfg Config) (*Follower, error) {
	if cfg.Blocks == nil || cfg.Index == nil || cfg.Name == (ipnsrec.Name{}) {
		return nil, errors.New("new follower: name, blocks and index are required")
	}
	f := &Follower{cfg: cfg, name: cfg.Name.String(), log: cfg.Logger}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.cfg.Now == nil {
		f.cfg.Now = time.Now
	}
	var sources []registry.Source
	if !cfg.Offline {
		for _, u := range cfg.Gateways {
			g, err := remote.New(u, &remote.Options{Timeout: cfg.Timeout, UserAgent: cfg.UserAgent, Client: cfg.Client})
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrBadUpstream, err)
			}
			f.gateways = append(f.gateways, g)
			sources = append(sources, g)
		}
		sources = append(sources, cfg.Sources...)
	}
	f.online = len(sources) > 0
	var err error
	f.fetcher, err = registry.NewFetcher(registry.FetcherConfig{
		Name: f.name, Blocks: cfg.Blocks, Index: cfg.Index, Sources: sources, Verifier: Verifier{}, Logger: f.log,
		Offline: cfg.Offline,
	})
	if err != nil {
		return nil, err
	}
	f.reg, err = registry.New(registry.Config{Name: f.name, Blocks: f.fetcher.Blocks(), Index: cfg.Index})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Name returns the registry followed.
func (f *Follower) Name() ipnsrec.Name { return f.cfg.Name }

// Online reports whether there are upstreams (gateways or other
// sources) to ask.
func (f *Follower) Online() bool { return f.online }

// Unasked returns why, when not Online, nothing is fetched:
// registry.ErrOffline when the network may not be used, else
// registry.ErrNoGateway (no upstream configured).
func (f *Follower) Unasked() error { return f.fetcher.Unasked() }

// Registry returns the registry as read through the Follower: blocks
// missing locally are fetched from the upstreams, verified and kept.
func (f *Follower) Registry() *registry.Registry { return f.reg }

// Blocks returns the block store backed by the upstreams.
func (f *Follower) Blocks() registry.Blocks { return f.fetcher.Blocks() }

// Fetcher returns the Fetcher the Follower reads through.
func (f *Follower) Fetcher() *registry.Fetcher { return f.fetcher }

// Verifier is registry.RecordVerifier on registry/ipns.
type Verifier struct{}

// VerifyRecord implements registry.RecordVerifier.
func (Verifier) VerifyRecord(name string, raw []byte) (registry.Record, error) {
	r, err := ipns.Verify(name, raw, time.Time{})
	if err != nil {
		return registry.Record{}, err
	}
	return registry.Record{Root: r.Value, Seq: r.Seq, Validity: r.Validity, TTL: r.TTL}, nil
}
