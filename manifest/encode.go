package manifest

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"time"
)

// EncodeManifest returns the canonical DAG-CBOR block of m.
func EncodeManifest(m *Manifest) (Block, error) {
	if err := m.validate(); err != nil {
		return Block{}, err
	}
	format := m.Format
	if format == 0 {
		format = FormatVersion
	}
	w := wireManifest{
		Format: int64(format), Registry: m.Registry, Seq: int64(m.Seq), Time: m.Time.Unix(),
		Change: m.Change, Services: link(m.Services), Releases: int64(m.Releases),
	}
	if m.Prev.Defined() {
		p := link(m.Prev)
		w.Prev = &p
	}
	if m.Root.Defined() {
		r := link(m.Root)
		w.Root = &r
	}
	w.Signatures = wireSignatures(m.Signatures)
	return encode(&w, "Manifest")
}

// DecodeManifest decodes and validates a Manifest block.
func DecodeManifest(data []byte) (*Manifest, error) {
	w, err := decode[wireManifest](data, "Manifest")
	if err != nil {
		return nil, err
	}
	if w.Format < 1 || w.Format > FormatVersion {
		return nil, fmt.Errorf("%w: format %d, this svcreg reads formats 1 to %d", ErrInvalidManifest, w.Format, FormatVersion)
	}
	if w.Seq < 1 || w.Releases < 0 {
		return nil, fmt.Errorf("%w: seq %d, releases %d", ErrInvalidManifest, w.Seq, w.Releases)
	}
	m := &Manifest{
		Format: int(w.Format), Registry: w.Registry, Seq: uint64(w.Seq), Time: time.Unix(w.Time, 0).UTC(),
		Change: w.Change, Services: unlink(w.Services), Releases: uint64(w.Releases),
	}
	if w.Prev != nil {
		if m.Prev = unlink(*w.Prev); !m.Prev.Defined() {
			return nil, fmt.Errorf("%w: prev is not a cid link", ErrInvalidManifest)
		}
	}
	if w.Root != nil {
		if m.Root = unlink(*w.Root); !m.Root.Defined() {
			return nil, fmt.Errorf("%w: root is not a cid link", ErrInvalidManifest)
		}
	}
	if w.Signatures != nil {
		if len(*w.Signatures) == 0 {
			return nil, fmt.Errorf("%w: an empty signature list (absent when unsigned)", ErrInvalidManifest)
		}
		m.Signatures = signaturesOf(w.Signatures)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Manifest) validate() error {
	switch {
	case m.Format < 0 || m.Format > FormatVersion:
		return fmt.Errorf("%w: format %d, this svcreg writes formats 1 to %d", ErrInvalidManifest, m.Format, FormatVersion)
	case m.Registry == "":
		return fmt.Errorf("%w: empty registry name", ErrInvalidManifest)
	case m.Seq < 1:
		return fmt.Errorf("%w: seq must be at least 1", ErrInvalidManifest)
	case m.Seq > math.MaxInt64 || m.Releases > math.MaxInt64:
		return fmt.Errorf("%w: seq %d or releases %d out of range", ErrInvalidManifest, m.Seq, m.Releases)
	case (m.Seq == 1) == m.Prev.Defined():
		return fmt.Errorf("%w: seq %d with prev %v (only seq 1 has no prev)", ErrInvalidManifest, m.Seq, m.Prev)
	case !m.Services.Defined():
		return fmt.Errorf("%w: no services link", ErrInvalidManifest)
	case len(m.Signatures) > 0 && !m.Root.Defined():
		return fmt.Errorf("%w: signatures without a root", ErrInvalidManifest)
	}
	return CheckSignatures(m.Signatures)
}

// EncodeService returns the canonical DAG-CBOR block of s.
func EncodeService(s *Service) (Block, error) {
	if err := s.validate(); err != nil {
		return Block{}, err
	}
	w := wireService{
		Name: string(s.Name),
		Tags: wireTags{Keys: slices.Sorted(maps.Keys(s.Tags)), Values: maps.Clone(s.Tags)},
	}
	if w.Tags.Values == nil {
		w.Tags.Values = map[string]string{}
	}
	if s.Sharded() {
		l := link(s.VersionIndex)
		w.Versions.Link = &l
	} else {
		w.Versions.Releases = wireReleasesOf(s.Releases)
	}
	b, err := encode(&w, "Service")
	if err != nil {
		return Block{}, fmt.Errorf("service %s: %w", s.Name, err)
	}
	return b, nil
}

// DecodeService decodes and validates a Service block.
func DecodeService(data []byte) (*Service, error) {
	w, err := decode[wireService](data, "Service")
	if err != nil {
		return nil, err
	}
	s := &Service{Name: Name(w.Name), Releases: map[string]Release{}, Tags: maps.Clone(w.Tags.Values)}
	if s.Tags == nil {
		s.Tags = map[string]string{}
	}
	switch v := w.Versions; {
	case v.Link != nil:
		if s.VersionIndex = unlink(*v.Link); !s.VersionIndex.Defined() {
			return nil, fmt.Errorf("%w: service %s: versions is not a cid link", ErrInvalidManifest, s.Name)
		}
	case v.Releases != nil:
		for k, r := range v.Releases.Values {
			s.Releases[k] = r.release()
		}
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// validate checks names, versions, releases and tags. The tags of a
// sharded service are checked for form only: their versions are in the
// VersionIndex.
func (s *Service) validate() error {
	if _, err := ParseName(string(s.Name)); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidManifest, err)
	}
	if err := validateReleases(s.Releases); err != nil {
		return fmt.Errorf("%w: service %s: %w", ErrInvalidManifest, s.Name, err)
	}
	for tag, v := range s.Tags {
		if err := checkTagFormat(tag); err != nil {
			return fmt.Errorf("%w: service %s: %w", ErrInvalidManifest, s.Name, err)
		}
		if s.Sharded() {
			if _, err := ParseVersion(v); err != nil {
				return fmt.Errorf("%w: service %s: tag %s: %w", ErrInvalidManifest, s.Name, tag, err)
			}
		} else if _, ok := s.Releases[v]; !ok {
			return fmt.Errorf("%w: service %s: tag %s points at missing version %q", ErrInvalidManifest, s.Name, tag, v)
		}
	}
	return nil
}

// validateReleases checks that every key is a canonical version and every
// release is complete.
func validateReleases(rs map[string]Release) error {
	for k, r := range rs {
		v, err := ParseVersion(k)
		if err != nil {
			return err
		}
		if v.String() != k {
			return fmt.Errorf("version %q is not canonical", k)
		}
		if err := r.validate(); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

func wireReleasesOf(rs map[string]Release) *wireReleases {
	w := &wireReleases{Keys: slices.Sorted(maps.Keys(rs)), Values: make(map[string]wireRelease, len(rs))}
	for k, r := range rs {
		w.Values[k] = r.wire()
	}
	return w
}

func (r Release) validate() error {
	switch {
	case !r.Content.Defined():
		return fmt.Errorf("no content cid")
	case r.Size > 1<<62:
		return fmt.Errorf("size %d out of range", r.Size)
	case r.Profile == "":
		return fmt.Errorf("no import profile")
	}
	return nil
}

func (r Release) wire() wireRelease {
	w := wireRelease{Content: link(r.Content), Size: int64(r.Size), Profile: r.Profile, Hidden: r.Hidden, Published: r.Published.Unix()}
	if r.Yank != nil {
		w.Yanked = &wireYank{Reason: r.Yank.Reason, Time: r.Yank.Time.Unix()}
	}
	return w
}

func (w wireRelease) release() Release {
	r := Release{Content: unlink(w.Content), Size: uint64(max(w.Size, 0)), Profile: w.Profile, Hidden: w.Hidden, Published: time.Unix(w.Published, 0).UTC()}
	if w.Yanked != nil {
		r.Yank = &Yank{Reason: w.Yanked.Reason, Time: time.Unix(w.Yanked.Time, 0).UTC()}
	}
	if w.Size < 0 {
		r.Size = 1 << 63 // rejected by validate
	}
	return r
}
