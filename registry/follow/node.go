package follow

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/ipns"
)

// Mirror says how much of a followed registry a node keeps.
type Mirror string

// Mirror modes.
const (
	MirrorAll    Mirror = "all"    // every block reachable from the head: history and every release's content
	MirrorLatest Mirror = "latest" // the head's manifest path and the latest release of every service
	MirrorNone   Mirror = "none"   // only the head; blocks are read through on demand
)

// ParseMirror parses a Mirror mode ("" is MirrorAll).
func ParseMirror(s string) (Mirror, error) {
	switch m := Mirror(s); m {
	case "":
		return MirrorAll, nil
	case MirrorAll, MirrorLatest, MirrorNone:
		return m, nil
	}
	return "", errors.New(`mirror mode must be all, latest or none`)
}

// Poll bounds: a followed registry is polled at its record's TTL, within
// these bounds.
const (
	MinPoll = 5 * time.Second
	MaxPoll = time.Hour
)

// Node keeps registries alive: it follows some (polling their upstreams
// at the record's TTL, mirroring what Mirror says), re-signs the one it
// holds the key of before its record is half gone, and pushes every
// change and re-signing to the replicas. Run it next to the server that
// serves the same home.
type Node struct {
	Follow   []*Follower // registries followed
	Mirror   Mirror
	Own      *Follower // the registry this node holds the key of; nil if none
	Key      *ipns.Key
	Replicas []Replica    // kubo nodes every followed and own registry is pushed to
	Logger   *slog.Logger // one line per event; nil: discard
	Metrics  *Metrics     // nil: none

	mu     sync.Mutex
	status map[string]*Status
}

// Status is what a Node reports about one registry (GET /healthz). Its
// JSON form has every key: "", false and 0 when empty, and null for a
// time not known yet.
type Status struct {
	Registry string
	Own      bool
	Seq      uint64
	Root     string
	Expires  time.Time
	LastSync time.Time
	LastErr  string
	Mirrored uint64
}

// MarshalJSON writes the status with every key (see Status).
func (s Status) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Registry string     `json:"registry"`
		Own      bool       `json:"own"`
		Seq      uint64     `json:"seq"`
		Root     string     `json:"root"`
		Expires  *time.Time `json:"expires"`
		LastSync *time.Time `json:"last_sync"`
		LastErr  string     `json:"last_error"`
		Mirrored uint64     `json:"mirrored_seq"`
	}{s.Registry, s.Own, s.Seq, s.Root, knownTime(s.Expires), knownTime(s.LastSync), s.LastErr, s.Mirrored})
}

// knownTime is t, or nil when t is zero (not known yet).
func knownTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Statuses returns the status of every registry the node keeps.
func (n *Node) Statuses() []Status {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := []Status{}
	for _, s := range n.status {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Status) int { return strings.Compare(a.Registry, b.Registry) })
	return out
}

func (n *Node) update(name string, fn func(*Status)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.status == nil {
		n.status = map[string]*Status{}
	}
	s := n.status[name]
	if s == nil {
		s = &Status{Registry: name}
		n.status[name] = s
	}
	fn(s)
}

// Run runs the node's loops until ctx ends. Work in progress is cut off
// by ctx; everything stored before is complete (blocks before heads).
func (n *Node) Run(ctx context.Context) {
	if n.Logger == nil {
		n.Logger = slog.New(slog.DiscardHandler)
	}
	var wg sync.WaitGroup
	for _, f := range n.Follow {
		n.Metrics.track(f.name, n.Replicas)
		wg.Go(func() { n.follow(ctx, f) })
	}
	if n.Own != nil && n.Key != nil {
		n.Metrics.track(n.Own.name, n.Replicas)
		wg.Go(func() { n.keep(ctx) })
	}
	wg.Wait()
}

// follow polls one followed registry.
func (n *Node) follow(ctx context.Context, f *Follower) {
	name := f.name
	var pushed, mirrored uint64
	for ctx.Err() == nil {
		wait := MinPoll
		s, err := f.Sync(ctx, true)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			n.Logger.Warn("sync failed", "registry", name, "err", err)
			n.Metrics.syncError(name)
			n.update(name, func(st *Status) { st.LastErr = err.Error() })
		default:
			if s.Stale != nil {
				n.Logger.Warn("upstreams gave no answer; serving the stored head", "registry", name, "seq", s.Head.Seq, "err", s.Stale)
				n.Metrics.syncError(name)
			} else if s.Changed {
				n.Logger.Info("head moved", "registry", name, "seq", s.Head.Seq, "root", s.Head.Root.String())
			}
			rec, _ := ipns.VerifyHead(s.Head, time.Time{})
			wait = min(max(rec.TTL, MinPoll), MaxPoll)
			n.report(name, s, rec)
			if s.Head.Seq > mirrored {
				if err := n.mirror(ctx, f, s.Head); err != nil {
					n.Logger.Warn("mirror failed", "registry", name, "seq", s.Head.Seq, "err", err)
					n.Metrics.syncError(name)
					wait = MinPoll
				} else {
					mirrored = s.Head.Seq
					n.update(name, func(st *Status) { st.Mirrored = mirrored })
					n.Logger.Info("mirrored", "registry", name, "seq", mirrored, "mode", string(n.Mirror))
				}
			}
			if len(n.Replicas) > 0 && (s.Head.Seq > pushed || s.Changed) {
				if n.replicate(ctx, f) {
					pushed = s.Head.Seq
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// report records a sync's outcome in the status and metrics.
func (n *Node) report(name string, s Sync, rec ipns.Record) {
	now := time.Now()
	n.update(name, func(st *Status) {
		st.Seq, st.Root, st.Expires = s.Head.Seq, s.Head.Root.String(), rec.Validity
		if s.Stale == nil {
			st.LastSync, st.LastErr = now, ""
		}
	})
	n.Metrics.head(name, s.Head.Seq, rec.Validity, now, s.Stale == nil)
}

// mirror fetches what the mirror mode keeps of head.
func (n *Node) mirror(ctx context.Context, f *Follower, head registry.Head) error {
	switch n.Mirror {
	case MirrorNone:
		return nil
	case MirrorLatest:
		return n.mirrorLatest(ctx, f)
	}
	if _, err := car.Reachable(ctx, f.cfg.Blocks, head.Root, everything); err == nil {
		return nil // complete already
	}
	_, err := f.FetchDAG(ctx, head.Root, nil)
	return err
}

// mirrorLatest fetches, for every service, the path to it and the
// content of its latest release.
func (n *Node) mirrorLatest(ctx context.Context, f *Follower) error {
	names, err := f.reg.Services(ctx)
	if err != nil {
		return err
	}
	for _, s := range names {
		spec, err := manifest.ParseSpec(s)
		if err != nil {
			return err
		}
		info, err := f.reg.Info(ctx, spec)
		if errors.Is(err, manifest.ErrNoMatch) || errors.Is(err, manifest.ErrVersionNotFound) {
			continue // nothing released (or all yanked)
		} else if err != nil {
			return err
		}
		if err := n.fetchContent(ctx, f, info.Release.Content); err != nil {
			return err
		}
	}
	return nil
}

func (n *Node) fetchContent(ctx context.Context, f *Follower, root cid.Cid) error {
	if _, err := car.Reachable(ctx, f.cfg.Blocks, root, everything); err == nil {
		return nil
	}
	_, err := f.FetchDAG(ctx, root, nil)
	return err
}

// keep re-signs the own registry when due and pushes every change.
func (n *Node) keep(ctx context.Context) {
	f := n.Own
	name := f.name
	var pushed registry.Head
	for ctx.Err() == nil {
		wait := MinPoll
		r, err := f.Resign(ctx, n.Key, false)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			n.Logger.Warn("re-sign failed", "registry", name, "err", err)
			n.Metrics.syncError(name)
			n.update(name, func(st *Status) { st.Own, st.LastErr = true, err.Error() })
		default:
			if r.Resigned {
				n.Logger.Info("re-signed", "registry", name, "seq", r.Head.Seq, "expires", r.EOL)
			}
			n.update(name, func(st *Status) {
				st.Own, st.Seq, st.Root, st.Expires, st.LastErr = true, r.Head.Seq, r.Head.Root.String(), r.EOL, ""
			})
			n.Metrics.head(name, r.Head.Seq, r.EOL, time.Now(), true)
			if len(n.Replicas) > 0 && (r.Head.Seq != pushed.Seq || string(r.Head.Record) != string(pushed.Record)) {
				if n.replicate(ctx, f) {
					pushed = r.Head
				}
			}
			wait = min(max(time.Until(r.Due), time.Second), MinPoll)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// replicate pushes to every replica and reports whether all took it.
func (n *Node) replicate(ctx context.Context, f *Follower) bool {
	ok := true
	for _, rep := range f.Replicate(ctx, n.Replicas, Retry{}) {
		if rep.Err != nil {
			ok = false
			n.Metrics.pushError(f.name, rep.Replica.Name)
		}
	}
	return ok
}

// everything follows every link in car.Reachable.
func everything(cid.Cid) bool { return true }
