package manifest

import (
	"slices"
	"time"

	"github.com/ipfs/go-cid"
)

// FormatVersion is the manifest format this package writes. It reads
// every format from 1 to FormatVersion: format 2 added the VersionIndex
// and changed the leaf limit, so a format-1 block is a valid format-2
// block in all but the manifest's format number.
const FormatVersion = 2

// MaxBlockSize is the largest manifest block, encoded, in bytes.
const MaxBlockSize = 1 << 20

// Manifest is one state of a registry: the block its IPNS record points at.
type Manifest struct {
	Format   int       // the format it was written in; 0 encodes as FormatVersion
	Registry string    // the registry's IPNS name (k51…)
	Seq      uint64    // 1 for the first state, +1 for each change
	Prev     cid.Cid   // the previous state; undefined when Seq is 1
	Time     time.Time // when the change was made (second precision)
	Change   string    // what changed, e.g. "publish tts@1.0.0"
	Services cid.Cid   // the root ServiceIndex block
	Releases uint64    // number of releases in the registry

	// Root is the signed Root block (package trust) of a registry that
	// has one; undefined otherwise, and then the field is absent from the
	// block, which encodes as it did before Roots existed.
	Root cid.Cid
	// Signatures are the publish signatures over the manifest encoded
	// without them; none in a registry without a Root.
	Signatures []Signature
}

// Unsigned returns a copy of m without its signatures: the manifest a
// publish signature covers.
func (m *Manifest) Unsigned() *Manifest {
	u := *m
	u.Signatures = nil
	return &u
}

// Service holds every release of one service and its tags.
//
// A small service holds its releases inline, in Releases. A large one
// (see VersionLeafMax) keeps them in a VersionIndex whose root is
// VersionIndex; its block then holds no releases, and Releases holds only
// those a reader loaded from the index: the registry loads the ones a
// change or a resolution needs, or all of them for a listing.
type Service struct {
	Name         Name
	Releases     map[string]Release // keyed by canonical version string
	Tags         map[string]string  // tag -> canonical version string
	VersionIndex cid.Cid            // defined when the versions are sharded
}

// Sharded reports whether the service's versions are in a VersionIndex.
func (s *Service) Sharded() bool { return s.VersionIndex.Defined() }

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

// Equal reports whether r and o are the same release as the manifest
// records it (times to the second).
func (r Release) Equal(o Release) bool {
	if (r.Yank == nil) != (o.Yank == nil) || r.Yank != nil && (r.Yank.Reason != o.Yank.Reason || r.Yank.Time.Unix() != o.Yank.Time.Unix()) {
		return false
	}
	return r.Content.Equals(o.Content) && r.Size == o.Size && r.Profile == o.Profile && r.Hidden == o.Hidden &&
		r.Published.Unix() == o.Published.Unix()
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
