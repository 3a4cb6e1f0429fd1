package manifest

import (
	"errors"
	"fmt"
)

// ErrImmutable is returned when a version is published again with other
// content: a name@version maps to its first CID forever.
var ErrImmutable = errors.New("version already published with other content")

// ErrLatestTag is returned, with ErrInvalidTag, when a change would set
// the latest tag by hand: svcreg keeps it on the highest stable,
// non-yanked version.
var ErrLatestTag = errors.New("the latest tag is kept by svcreg")

// Add records release r as version v. Publishing identical content again
// is a no-op (changed is false); other content wraps ErrImmutable. The
// latest tag moves to v when v is the highest stable, non-yanked version
// (see LatestTag).
func (s *Service) Add(v Version, r Release) (changed bool, err error) {
	if len(v.Build) > 0 {
		return false, fmt.Errorf("%w %q: build metadata takes no part in precedence, so %s would be the same version as %d.%d.%d; publish without it",
			ErrInvalidVersion, v, v, v.Major, v.Minor, v.Patch)
	}
	if err := r.validate(); err != nil {
		return false, fmt.Errorf("%w: %s@%s: %w", ErrInvalidManifest, s.Name, v, err)
	}
	key := v.String()
	if old, ok := s.Releases[key]; ok {
		if old.Content.Equals(r.Content) {
			return false, nil
		}
		return false, fmt.Errorf("%w: %s@%s is %s, not %s", ErrImmutable, s.Name, key, old.Content, r.Content)
	}
	s.Releases[key] = r
	s.raiseLatest(v)
	return true, nil
}

// SetTag points tag at version v. It reports whether anything changed.
// The latest tag cannot be set (ErrLatestTag), and no tag can be pointed
// at a yanked version (ErrYanked), since tags never resolve to one.
func (s *Service) SetTag(tag string, v Version) (bool, error) {
	if err := ValidateTag(tag); err != nil {
		return false, err
	}
	if tag == LatestTag {
		return false, fmt.Errorf("%w %q: %w: it always names the highest stable, non-yanked version of %s", ErrInvalidTag, tag, ErrLatestTag, s.Name)
	}
	key := v.String()
	r, ok := s.Releases[key]
	if !ok {
		return false, fmt.Errorf("%w: %s@%s (published: %s)", ErrVersionNotFound, s.Name, key, s.summary())
	}
	if r.Yanked() {
		return false, fmt.Errorf("%w: %s@%s: a tag never resolves to a yanked version", ErrYanked, s.Name, key)
	}
	if s.Tags[tag] == key {
		return false, nil
	}
	s.Tags[tag] = key
	return true, nil
}

// SetYank yanks version v with y's reason (y non-nil) or restores it (y
// nil). Yanking a yanked version again changes only its reason, keeping
// the time of the first yank, and changes nothing when y.Reason is empty
// or the same. The latest tag moves back from a yanked version, and to a
// restored one, as LatestTag says. It reports whether anything changed.
func (s *Service) SetYank(v Version, y *Yank) (bool, error) {
	key := v.String()
	r, ok := s.Releases[key]
	if !ok {
		return false, fmt.Errorf("%w: %s@%s (published: %s)", ErrVersionNotFound, s.Name, key, s.summary())
	}
	switch {
	case y == nil && r.Yank == nil:
		return false, nil
	case y != nil && r.Yank != nil:
		if y.Reason == "" || y.Reason == r.Yank.Reason {
			return false, nil
		}
		r.Yank = &Yank{Reason: y.Reason, Time: r.Yank.Time}
	default:
		r.Yank = y
	}
	s.Releases[key] = r
	if r.Yanked() && s.Tags[LatestTag] == key {
		s.moveLatest()
	} else if !r.Yanked() {
		s.raiseLatest(v)
	}
	return true, nil
}

// NeedsAllVersions reports whether yanking v needs every version of the
// service at hand: when v is the latest, the next latest must be found.
// Every other change reads only the version it changes and the latest.
func (s *Service) NeedsAllVersions(v Version) bool { return s.Tags[LatestTag] == v.String() }

// raiseLatest moves the latest tag to v, a non-yanked version, when v is
// stable and higher than the current latest: the tag always names the
// highest stable, non-yanked version, so nothing else needs comparing.
func (s *Service) raiseLatest(v Version) {
	if v.IsPrerelease() {
		return
	}
	if cur, ok := s.Tags[LatestTag]; ok {
		if l, err := ParseVersion(cur); err == nil && l.Compare(v) >= 0 {
			return
		}
	}
	s.Tags[LatestTag] = v.String()
}

// moveLatest points the latest tag at the highest stable, non-yanked
// version, or removes it when there is none. It reads every release, so
// a sharded service must have all of them loaded.
func (s *Service) moveLatest() {
	if v, ok := s.highestStable(); ok {
		s.Tags[LatestTag] = v.String()
	} else {
		delete(s.Tags, LatestTag)
	}
}

// highestStable returns the highest version that is neither a prerelease
// nor yanked: what NAME and NAME@latest resolve to.
func (s *Service) highestStable() (Version, bool) {
	var best Version
	found := false
	for k, r := range s.Releases {
		v, err := ParseVersion(k)
		if err != nil || v.IsPrerelease() || r.Yanked() {
			continue
		}
		if !found || v.Compare(best) > 0 {
			best, found = v, true
		}
	}
	return best, found
}
