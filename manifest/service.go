package manifest

import (
	"errors"
	"fmt"
)

// ErrImmutable is returned when a version is published again with other
// content: a name@version maps to its first CID forever.
var ErrImmutable = errors.New("version already published with other content")

// Add records release r as version v. Publishing identical content again
// is a no-op (changed is false); other content wraps ErrImmutable. The
// latest tag moves to v when v is stable and higher than the version it
// points at.
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
	if !v.IsPrerelease() {
		cur, ok := s.Tags[LatestTag]
		if !ok || MustParseVersion(cur).Compare(v) < 0 {
			s.Tags[LatestTag] = key
		}
	}
	return true, nil
}

// SetTag points tag at version v. It reports whether anything changed.
func (s *Service) SetTag(tag string, v Version) (bool, error) {
	if err := ValidateTag(tag); err != nil {
		return false, err
	}
	key := v.String()
	if _, ok := s.Releases[key]; !ok {
		return false, fmt.Errorf("%w: %s@%s (published: %s)", ErrVersionNotFound, s.Name, key, s.summary())
	}
	if s.Tags[tag] == key {
		return false, nil
	}
	s.Tags[tag] = key
	return true, nil
}

// SetYank yanks version v with reason (y non-nil) or restores it (y nil).
// It reports whether anything changed.
func (s *Service) SetYank(v Version, y *Yank) (bool, error) {
	key := v.String()
	r, ok := s.Releases[key]
	if !ok {
		return false, fmt.Errorf("%w: %s@%s (published: %s)", ErrVersionNotFound, s.Name, key, s.summary())
	}
	if (r.Yank == nil) == (y == nil) && (y == nil || r.Yank.Reason == y.Reason) {
		return false, nil
	}
	r.Yank = y
	s.Releases[key] = r
	return true, nil
}
