package manifest

import (
	"slices"
	"time"

	"github.com/ipfs/go-cid"
)

// FormatVersion is the manifest format this package reads and writes.
const FormatVersion = 1

// MaxBlockSize is the largest manifest block, encoded, in bytes.
const MaxBlockSize = 1 << 20

// Manifest is one state of a registry: the block its IPNS record points at.
type Manifest struct {
	Registry string    // the registry's IPNS name (k51…)
	Seq      uint64    // 1 for the first state, +1 for each change
	Prev     cid.Cid   // the previous state; undefined when Seq is 1
	Time     time.Time // when the change was made (second precision)
	Change   string    // what changed, e.g. "publish tts@1.0.0"
	Services cid.Cid   // the root ServiceIndex block
	Releases uint64    // number of releases in the registry
}

// Service holds every release of one service and its tags.
type Service struct {
	Name     Name
	Releases map[string]Release // keyed by canonical version string
	Tags     map[string]string  // tag -> canonical version string
}

// Release is one immutable version of a service.
type Release struct {
	Content   cid.Cid   // UnixFS root of the service directory
	Size      uint64    // bytes of file content
	Profile   string    // UnixFS import profile
	Hidden    bool      // whether dotfiles were imported
	Published time.Time // second precision
	Yank      *Yank     // nil unless yanked
}

// Yank records why and when a release was yanked.
type Yank struct {
	Reason string
	Time   time.Time
}

// Yanked reports whether the release is yanked.
func (r Release) Yanked() bool { return r.Yank != nil }

// NewService returns an empty service called name.
func NewService(name Name) *Service {
	return &Service{Name: name, Releases: map[string]Release{}, Tags: map[string]string{}}
}

// Versions returns the service's versions in ascending SemVer order.
func (s *Service) Versions() []Version {
	vs := make([]Version, 0, len(s.Releases))
	for k := range s.Releases {
		if v, err := ParseVersion(k); err == nil {
			vs = append(vs, v)
		}
	}
	slices.SortFunc(vs, Version.Compare)
	return vs
}
