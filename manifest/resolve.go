package manifest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrVersionNotFound is returned when an exact version is not published.
var ErrVersionNotFound = errors.New("version not found")

// ErrTagNotFound is returned when a tag is not set on a service.
var ErrTagNotFound = errors.New("tag not found")

// ErrNoMatch is returned when no published, non-yanked version satisfies a
// range.
var ErrNoMatch = errors.New("no version matches")

// ErrYanked is returned when a tag points at a yanked version: yanked
// versions resolve only when named exactly.
var ErrYanked = errors.New("version is yanked")

// Resolve picks the release that spec asks for: a tag's version, an exact
// version (even if yanked), or the highest non-yanked version in the range.
// NAME@latest is the bare NAME: the highest stable, non-yanked version
// (LatestTag). A tag that points at a yanked version wraps ErrYanked.
func (s *Service) Resolve(spec Spec) (Version, Release, error) {
	if spec.Tag != "" && spec.Tag != LatestTag {
		return s.resolveTag(spec.Tag)
	}
	if v, ok := spec.Range.Exact(); ok {
		r, found := s.Releases[v.String()]
		if !found {
			return Version{}, Release{}, fmt.Errorf("%w: %s@%s (published: %s)", ErrVersionNotFound, s.Name, v, s.summary())
		}
		return v, r, nil
	}
	var candidates []Version
	for _, v := range s.Versions() {
		if !s.Releases[v.String()].Yanked() {
			candidates = append(candidates, v)
		}
	}
	v, ok := spec.Range.Best(candidates)
	if !ok {
		what := spec.Range.String()
		if spec.Tag != "" || what == "" {
			what = "latest: no stable, non-yanked version"
		}
		return Version{}, Release{}, fmt.Errorf("%w %s@%s (published: %s)", ErrNoMatch, s.Name, what, s.summary())
	}
	return v, s.Releases[v.String()], nil
}

func (s *Service) resolveTag(tag string) (Version, Release, error) {
	vs, ok := s.Tags[tag]
	if !ok {
		tags := slices.Sorted(func(yield func(string) bool) {
			for t := range s.Tags {
				if !yield(t) {
					return
				}
			}
		})
		return Version{}, Release{}, fmt.Errorf("%w: %s@%s (tags: %s)", ErrTagNotFound, s.Name, tag, strings.Join(tags, ", "))
	}
	v, err := ParseVersion(vs)
	if err != nil {
		return Version{}, Release{}, err
	}
	r := s.Releases[vs]
	if r.Yanked() {
		return Version{}, Release{}, fmt.Errorf("%w: tag %s of %s points at yanked %s", ErrYanked, tag, s.Name, vs)
	}
	return v, r, nil
}

// Needs returns what resolving spec reads of a sharded service's versions:
// one version (a tag's, an exact one, or the latest when it answers the
// range), or all of them (all true) for ranges the latest does not answer.
// version is empty when nothing needs loading (an unknown tag, or no
// latest for a bare name).
func (s *Service) Needs(spec Spec) (version string, all bool) {
	if spec.Tag != "" && spec.Tag != LatestTag {
		return s.Tags[spec.Tag], false
	}
	if v, ok := spec.Range.Exact(); ok {
		return v.String(), false
	}
	latest, ok := s.Tags[LatestTag]
	if spec.Tag != "" || spec.Range.String() == "" {
		return latest, false
	}
	// Without prerelease comparators a range matches stable versions only,
	// and the latest is the highest stable, non-yanked one: if it matches,
	// it is the answer.
	if v, err := ParseVersion(latest); ok && err == nil && !spec.Range.MayMatchPrerelease() && spec.Range.Match(v) {
		return latest, false
	}
	return "", true
}

// summary lists up to the five highest versions, for error messages.
func (s *Service) summary() string {
	if s.Sharded() {
		return "too many to list here; see svcreg ls " + string(s.Name)
	}
	vs := s.Versions()
	if len(vs) == 0 {
		return "none"
	}
	var parts []string
	for i := len(vs) - 1; i >= 0 && len(parts) < 5; i-- {
		p := vs[i].String()
		if s.Releases[p].Yanked() {
			p += " (yanked)"
		}
		parts = append(parts, p)
	}
	if len(vs) > 5 {
		parts = append(parts, "…")
	}
	return strings.Join(parts, ", ")
}
