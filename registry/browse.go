package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// Services returns the names of all services, sorted. They are the names
// the index files the services under, each checked on decoding, so a
// caller passes them on as they are. None is an empty list, not nil.
func (r *Registry) Services(ctx context.Context) ([]manifest.Name, error) {
	_, m, err := r.Manifest(ctx)
	if err != nil {
		return nil, err
	}
	names := []manifest.Name{}
	err = walk(ctx, loader(r.blocks.Get), m.Services, func(name string, _ cid.Cid) error {
		names = append(names, manifest.Name(name))
		return nil
	})
	slices.Sort(names)
	return names, err
}

// Service returns one service's releases and tags: all of them, read
// from its VersionIndex when it has one.
func (r *Registry) Service(ctx context.Context, name manifest.Name) (*manifest.Service, error) {
	return r.service(ctx, name, true)
}

// ServiceLatest returns one service's tags and, of its releases, only the
// one its latest tag names when its versions are in a VersionIndex (all of
// them otherwise): what a list of services shows, without reading a
// large service's every version.
func (r *Registry) ServiceLatest(ctx context.Context, name manifest.Name) (*manifest.Service, error) {
	return r.service(ctx, name, false)
}

func (r *Registry) service(ctx context.Context, name manifest.Name, all bool) (*manifest.Service, error) {
	_, m, err := r.Manifest(ctx)
	if err != nil {
		return nil, err
	}
	s, _, _, err := findService(ctx, r.blocks.Get, loader(r.blocks.Get), m.Services, name, r.name)
	if err != nil {
		return nil, err
	}
	t := versionReader(r.blocks.Get)
	if all {
		_, err = loadAllVersions(ctx, t, s)
	} else {
		_, err = loadVersions(ctx, t, s, s.Tags[manifest.LatestTag])
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// LogEntry is one state in the manifest history.
type LogEntry struct {
	Seq    uint64
	Root   cid.Cid
	Time   time.Time
	Change string
}

// Log returns up to n states (all when n <= 0), newest first, following
// prev links from the head. A missing older state ends the log early: the
// newer states come with a *HistoryError. No state is an empty list,
// not nil.
func (r *Registry) Log(ctx context.Context, n int) ([]LogEntry, error) {
	h, err := r.Head(ctx)
	if err != nil {
		return nil, err
	}
	out := []LogEntry{}
	for c := h.Root; c.Defined() && (n <= 0 || len(out) < n); {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		m, err := r.loadManifest(ctx, r.blocks.Get, c)
		if errors.Is(err, ErrBlockNotFound) && len(out) > 0 {
			return out, &HistoryError{Seq: h.Seq - uint64(len(out)), Root: c, Err: err}
		} else if err != nil {
			return out, err
		}
		// Each step goes one sequence down, so a prev link that loops
		// or jumps cannot make the log run forever.
		if want := h.Seq - uint64(len(out)); m.Seq != want || m.Registry != r.name {
			return out, fmt.Errorf("%w: history block %s is seq %d of %s, expected seq %d of %s",
				manifest.ErrInvalidManifest, c, m.Seq, m.Registry, want, r.name)
		}
		out = append(out, LogEntry{Seq: m.Seq, Root: c, Time: m.Time, Change: m.Change})
		c = m.Prev
	}
	return out, nil
}
