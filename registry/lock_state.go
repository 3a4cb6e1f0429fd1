package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/svcreg/svcreg/manifest"
)

// snapshot reads one manifest state for the lock operations, loading each
// service block at most once.
type snapshot struct {
	r        *Registry
	head     Head
	m        *manifest.Manifest
	services map[manifest.Name]*manifest.Service
}

// snapshot opens the head. Having no head, or not having its manifest
// block here, wraps ErrUnverifiable.
func (r *Registry) snapshot(ctx context.Context) (*snapshot, error) {
	h, m, err := r.Manifest(ctx)
	if err != nil {
		if unavailable(err) {
			return nil, fmt.Errorf("%w: %w", ErrUnverifiable, err)
		}
		return nil, err
	}
	return &snapshot{r: r, head: h, m: m, services: map[manifest.Name]*manifest.Service{}}, nil
}

// unavailable reports whether err means the data is not here (as opposed
// to being wrong).
func unavailable(err error) bool {
	return errors.Is(err, ErrNoHead) || errors.Is(err, ErrBlockNotFound) || errors.Is(err, ErrOffline) || errors.Is(err, ErrUnavailable)
}

// service returns the named service; it wraps ErrServiceNotFound.
func (st *snapshot) service(ctx context.Context, name manifest.Name) (*manifest.Service, error) {
	if s, ok := st.services[name]; ok {
		return s, nil
	}
	s, _, _, err := findService(ctx, st.r.blocks.Get, loader(st.r.blocks.Get), st.m.Services, name,
		fmt.Sprintf("%s (seq %d)", st.r.name, st.head.Seq))
	if err != nil {
		return nil, err
	}
	st.services[name] = s
	return s, nil
}

// release returns name@v, yanked or not. A service or version the
// registry does not have wraps ErrLockMismatch as well as
// ErrServiceNotFound or manifest.ErrVersionNotFound.
func (st *snapshot) release(ctx context.Context, name manifest.Name, v manifest.Version) (manifest.Release, error) {
	s, err := st.service(ctx, name)
	if err == nil {
		_, err = loadVersions(ctx, versionReader(st.r.blocks.Get), s, v.String())
	}
	if err == nil {
		rel, ok := s.Releases[v.String()]
		if ok {
			return rel, nil
		}
		err = fmt.Errorf("%w: %s@%s in %s (seq %d)", manifest.ErrVersionNotFound, name, v, st.r.name, st.head.Seq)
	}
	if isNotFound(err) {
		return manifest.Release{}, fmt.Errorf("%w: %w", ErrLockMismatch, err)
	}
	return manifest.Release{}, err
}

// mismatch describes how the locked entry e differs from rel, the release
// the manifest at head has for the same version.
func mismatch(name manifest.Name, e manifest.LockEntry, rel manifest.Release, head Head) string {
	var diffs []string
	if !e.CID.Equals(rel.Content) {
		diffs = append(diffs, fmt.Sprintf("cid %s, the registry's signed manifest (seq %d) has %s", e.CID, head.Seq, rel.Content))
	}
	if e.Size != rel.Size {
		diffs = append(diffs, fmt.Sprintf("size %d, the registry has %d", e.Size, rel.Size))
	}
	if e.Profile != rel.Profile {
		diffs = append(diffs, fmt.Sprintf("profile %s, the registry has %s", e.Profile, rel.Profile))
	}
	if e.Hidden != rel.Hidden {
		diffs = append(diffs, fmt.Sprintf("hidden %t, the registry has %t", e.Hidden, rel.Hidden))
	}
	return fmt.Sprintf("%s@%s: the lock has %s", name, e.Version, strings.Join(diffs, "; "))
}

// yankFinding reports that the locked version name@v is yanked; warning
// says whether that is only a warning (check --strict makes it an error).
func yankFinding(name manifest.Name, v manifest.Version, rel manifest.Release, warning bool) *Finding {
	return &Finding{
		Kind: FindingYanked, Service: name, Version: v.String(), Warning: warning,
		Message: fmt.Sprintf("%s@%s is %s; the lock keeps it until 'svcreg update %s'", name, v, yankReason(rel), name),
	}
}
