package follow

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
)

// Mirror retries: a release that could not be fetched, or a pass that
// failed as a whole, is tried again after MinMirrorRetry, then after
// twice as long each time, up to MaxMirrorRetry. A new head is mirrored
// at once; its releases that failed before keep their schedule.
const (
	MinMirrorRetry = 30 * time.Second
	MaxMirrorRetry = time.Hour
)

// MaxListedUnmirrored bounds how many releases a registry's Status lists
// as not mirrored; the others are only counted.
const MaxListedUnmirrored = 10

// Unmirrored is a release of a followed registry's head whose content a
// Node could not fetch from the upstreams. The rest of the registry is
// mirrored without it.
type Unmirrored struct {
	Release  string  // NAME@VERSION; "" when no service of the head names the content
	Content  cid.Cid // the release's content root
	Err      string  // why the last attempt failed
	Attempts int     // failed attempts in a row
	Since    time.Time
	RetryAt  time.Time // the next attempt, not before
}

// MarshalJSON writes the release with every key.
func (u Unmirrored) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Release  string    `json:"release"`
		Content  string    `json:"cid"`
		Err      string    `json:"error"`
		Attempts int       `json:"attempts"`
		Since    time.Time `json:"since"`
		RetryAt  time.Time `json:"retry_at"`
	}{u.Release, u.Content.String(), u.Err, u.Attempts, u.Since, u.RetryAt})
}

// retryDelay is how long to wait after the n-th failure in a row.
func retryDelay(n int) time.Duration {
	d := MinMirrorRetry
	for i := 1; i < n && d < MaxMirrorRetry; i++ {
		d *= 2
	}
	return min(d, MaxMirrorRetry)
}

// mirrorer mirrors one followed registry release by release. It belongs
// to the registry's follow loop.
type mirrorer struct {
	n        *Node
	f        *Follower
	tried    uint64 // the head of the last pass
	mirrored uint64 // the head of the last pass that completed
	failed   map[cid.Cid]*Unmirrored
	err      error // why the last pass failed as a whole
	errs     int   // passes failed in a row
	retryAt  time.Time
}

// due reports whether a pass is due at now for head seq: a new head, or
// a retry whose time has come.
func (m *mirrorer) due(seq uint64, now time.Time) bool {
	if seq > m.tried {
		return true
	}
	next := m.next()
	return !next.IsZero() && !now.Before(next)
}

// next returns when the next retry is due; zero when none is pending.
func (m *mirrorer) next() time.Time {
	var t time.Time
	if m.err != nil {
		t = m.retryAt
	}
	for _, u := range m.failed {
		if t.IsZero() || u.RetryAt.Before(t) {
			t = u.RetryAt
		}
	}
	return t
}

// pass mirrors what the Node's mirror mode keeps of head: the registry's
// own blocks first (a failure there fails the pass), then each release's
// content on its own, skipping releases whose retry is not due. A release
// that fails is recorded and the others are still fetched.
func (m *mirrorer) pass(ctx context.Context, head registry.Head) error {
	m.tried = head.Seq
	contents, err := m.contents(ctx, head)
	if err != nil {
		if ctx.Err() == nil {
			m.err, m.errs = err, m.errs+1
			m.retryAt = time.Now().Add(retryDelay(m.errs))
		}
		return err
	}
	m.err, m.errs = nil, 0
	for c := range m.failed {
		if _, ok := contents[c]; !ok {
			delete(m.failed, c) // no longer part of the head
		}
	}
	for _, c := range sortedCids(contents) {
		if u := m.failed[c]; u != nil && time.Now().Before(u.RetryAt) {
			continue
		}
		err := m.fetch(ctx, c)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		m.record(c, contents[c], err)
	}
	m.nameFailed(ctx)
	m.mirrored = head.Seq
	return nil
}

// record keeps the outcome of one release's fetch.
func (m *mirrorer) record(c cid.Cid, release string, err error) {
	name := m.f.name
	u := m.failed[c]
	if err == nil {
		if u != nil {
			m.n.Logger.Info("release mirrored", "registry", name, "release", u.Release, "cid", c.String(), "attempts", u.Attempts+1)
			delete(m.failed, c)
		}
		return
	}
	now := time.Now()
	if u == nil {
		if m.failed == nil {
			m.failed = map[cid.Cid]*Unmirrored{}
		}
		u = &Unmirrored{Content: c, Since: now}
		m.failed[c] = u
	}
	if release != "" {
		u.Release = release
	}
	u.Err, u.Attempts = brief(err), u.Attempts+1
	u.RetryAt = now.Add(retryDelay(u.Attempts))
	m.n.Logger.Warn("release not mirrored", "registry", name, "release", u.Release, "cid", c.String(),
		"attempts", u.Attempts, "retry_at", u.RetryAt, "err", err)
	m.n.Metrics.mirrorError(name)
}

// fetch makes the DAG under root complete in the local store
// (MakeLocal: fetched from the upstreams unless it is complete here).
func (m *mirrorer) fetch(ctx context.Context, root cid.Cid) error {
	_, err := MakeLocal(ctx, m.f.cfg.Blocks, root, LocalOptions{From: m.f})
	return err
}

// contents returns the content roots of the releases the mirror mode
// keeps of head, with the release's NAME@VERSION when known, after
// bringing the registry's own blocks they hang from into the local store.
func (m *mirrorer) contents(ctx context.Context, head registry.Head) (map[cid.Cid]string, error) {
	switch m.n.Mirror {
	case MirrorNone:
		return nil, nil
	case MirrorLatest:
		return m.latest(ctx)
	}
	return m.all(ctx, head)
}

// all returns the content roots of every release in every state of
// head. While no release is known to fail, the whole DAG is fetched as
// one CAR first (one request for a registry in good health); if that
// fails, the registry's own blocks are read one by one and the releases
// are left to the caller.
func (m *mirrorer) all(ctx context.Context, head registry.Head) (map[cid.Cid]string, error) {
	if len(m.failed) == 0 {
		if err := m.fetch(ctx, head.Root); err == nil || ctx.Err() != nil {
			return nil, err
		}
	}
	reach, err := car.Reachable(ctx, m.f.Blocks(), head.Root, isRegistryBlock)
	if err != nil {
		return nil, err
	}
	out := map[cid.Cid]string{}
	for c := range reach {
		if !isRegistryBlock(c) {
			out[c] = ""
		}
	}
	return out, nil
}

// latest returns the content root of the latest release of every
// service, after fetching the path to it.
func (m *mirrorer) latest(ctx context.Context) (map[cid.Cid]string, error) {
	names, err := m.f.reg.Services(ctx)
	if err != nil {
		return nil, err
	}
	out := map[cid.Cid]string{}
	for _, s := range names {
		info, err := m.f.reg.Info(ctx, manifest.SpecOf(s))
		if errors.Is(err, manifest.ErrNoMatch) || errors.Is(err, manifest.ErrVersionNotFound) {
			continue // nothing released (or all yanked)
		} else if err != nil {
			return nil, err
		}
		out[info.Release.Content] = string(info.Service) + "@" + info.Version.String()
	}
	return out, nil
}

// nameFailed names the failed releases that have no name yet from the
// services of the head (the smallest NAME@VERSION when several releases
// share the content). Best effort: a release left unnamed is reported by
// its CID.
func (m *mirrorer) nameFailed(ctx context.Context) {
	want := map[cid.Cid]*Unmirrored{}
	for c, u := range m.failed {
		if u.Release == "" {
			want[c] = u
		}
	}
	if len(want) == 0 {
		return
	}
	names, err := m.f.reg.Services(ctx)
	if err != nil {
		return
	}
	for _, s := range names {
		svc, err := m.f.reg.Service(ctx, s)
		if err != nil {
			continue
		}
		for v, r := range svc.Releases {
			if u := want[r.Content]; u != nil {
				if rel := string(s) + "@" + v; u.Release == "" || rel < u.Release {
					u.Release = rel
				}
			}
		}
	}
}

// unmirrored returns how many releases failed, and the first
// MaxListedUnmirrored of them by name and CID.
func (m *mirrorer) unmirrored() (int, []Unmirrored) {
	list := make([]Unmirrored, 0, len(m.failed))
	for _, u := range m.failed {
		list = append(list, *u)
	}
	slices.SortFunc(list, func(a, b Unmirrored) int {
		if c := strings.Compare(a.Release, b.Release); c != 0 {
			return c
		}
		return strings.Compare(a.Content.String(), b.Content.String())
	})
	return len(list), list[:min(len(list), MaxListedUnmirrored)]
}

// maxErrLen bounds an error message kept for /healthz: an upstream
// decides much of what it says.
const maxErrLen = 512

// brief returns err's message, cut at maxErrLen bytes.
func brief(err error) string {
	s := err.Error()
	if len(s) <= maxErrLen {
		return s
	}
	return strings.ToValidUTF8(s[:maxErrLen], "") + "…"
}

// isRegistryBlock reports whether c is one of a registry's own blocks
// (manifests, index nodes, services: DAG-CBOR) rather than content.
func isRegistryBlock(c cid.Cid) bool { return c.Prefix().Codec == cid.DagCBOR }

func sortedCids(m map[cid.Cid]string) []cid.Cid {
	out := make([]cid.Cid, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b cid.Cid) int { return strings.Compare(a.String(), b.String()) })
	return out
}
