package follow

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/svcreg/svcreg/registry"
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
	// P2P returns the figures of the node's peer on the IPFS network,
	// reported in Health; nil: the node is not a peer.
	P2P func() P2P

	mu     sync.Mutex
	status map[string]*Status
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
	n.Restore(ctx)
	var wg sync.WaitGroup
	for _, f := range n.Follow {
		wg.Go(func() { n.follow(ctx, f) })
	}
	if n.Own != nil && n.Key != nil {
		wg.Go(func() { n.keep(ctx) })
	}
	wg.Wait()
}

// Restore reports what the index holds of every registry the node keeps
// (head, sequence, end of life) in the status and the metrics, before any
// upstream is asked: call it before serving GET /healthz and /metrics, so
// that a restarted node reports its real state from the first request.
// Run calls it too.
func (n *Node) Restore(ctx context.Context) {
	if n.Logger == nil {
		n.Logger = slog.New(slog.DiscardHandler)
	}
	for _, f := range n.registries() {
		n.Metrics.track(f.name, n.Replicas)
		n.restore(ctx, f)
	}
}

// registries returns the followed registries and the own one, if any.
func (n *Node) registries() []*Follower {
	fs := slices.Clone(n.Follow)
	if n.Own != nil && n.Key != nil {
		fs = append(fs, n.Own)
	}
	return fs
}

// restore reports the head stored for f, whatever the upstreams answer:
// a head the node cannot refresh (upstreams gone, lying or past its end
// of life) is still the one it serves.
func (n *Node) restore(ctx context.Context, f *Follower) {
	own := f == n.Own
	head, err := f.cfg.Index.Head(ctx, f.name)
	if err != nil {
		if !errors.Is(err, registry.ErrNoHead) {
			n.Logger.Debug("read stored head", "registry", f.name, "err", err)
		}
		n.update(f.name, func(st *Status) { st.Own = own })
		return
	}
	rec, err := ipns.VerifyHead(head, time.Time{})
	if err != nil && !errors.Is(err, ipns.ErrExpiredRecord) {
		n.Logger.Debug("verify stored head", "registry", f.name, "err", err)
		n.update(f.name, func(st *Status) { st.Own = own })
		return
	}
	n.update(f.name, func(st *Status) {
		st.Own, st.Seq, st.Root, st.Expires = own, head.Seq, head.Root.String(), rec.Validity
	})
	n.Metrics.head(f.name, head.Seq, rec.Validity, time.Time{}, false)
}

// follow polls one followed registry.
func (n *Node) follow(ctx context.Context, f *Follower) {
	name := f.name
	m := &mirrorer{n: n, f: f}
	var pushed uint64
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
			n.restore(ctx, f)
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
			if m.due(s.Head.Seq, time.Now()) {
				n.mirror(ctx, m, s.Head)
			}
			if next := m.next(); !next.IsZero() {
				wait = min(wait, max(time.Until(next), MinPoll))
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

// mirror runs one mirroring pass and reports it.
func (n *Node) mirror(ctx context.Context, m *mirrorer, head registry.Head) {
	name := m.f.name
	err := m.pass(ctx, head)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		n.Logger.Warn("mirror failed", "registry", name, "seq", head.Seq, "retry_at", m.retryAt, "err", err)
		n.Metrics.syncError(name)
	}
	count, listed := m.unmirrored()
	if err == nil {
		n.Logger.Info("mirrored", "registry", name, "seq", head.Seq, "mode", string(n.Mirror), "unmirrored", count)
	}
	n.update(name, func(st *Status) {
		st.Mirrored, st.MirrorErr = m.mirrored, ""
		if m.err != nil {
			st.MirrorErr = brief(m.err)
		}
		st.Unmirrored, st.UnmirroredReleases = count, listed
	})
	n.Metrics.unmirroredReleases(name, count)
}

// report records a sync's outcome in the status and metrics.
func (n *Node) report(name string, s Sync, rec ipns.Record) {
	now := time.Now()
	n.update(name, func(st *Status) {
		st.Seq, st.Root, st.Expires = s.Head.Seq, s.Head.Root.String(), rec.Validity
		if s.Stale == nil {
			st.LastSync, st.LastErr = now, ""
		} else {
			st.LastErr = s.Stale.Error()
		}
	})
	n.Metrics.head(name, s.Head.Seq, rec.Validity, now, s.Stale == nil)
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
			n.restore(ctx, f)
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
