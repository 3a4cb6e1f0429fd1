package manifest

import (
	"github.com/ipfs/go-cid"
	"github.com/ipld/go-ipld-prime/datamodel"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
)

// The wire types mirror svcreg.ipldsch field by field, in order, as bindnode
// requires. They stay private: the exported types carry Go-friendly fields
// (time.Time, uint64, plain maps) and convert at the codec boundary.

type wireManifest struct {
	Format     int64
	Registry   string
	Seq        int64
	Prev       *datamodel.Link
	Time       int64
	Change     string
	Services   datamodel.Link
	Releases   int64
	Root       *datamodel.Link
	Signatures *[]wireSignature
}

type wireService struct {
	Name     string
	Versions wireVersions
	Tags     wireTags
}

// wireVersions is the kinded union Versions: inline releases or a link to
// a VersionIndex. Exactly one field is set.
type wireVersions struct {
	Releases *wireReleases
	Link     *datamodel.Link
}

type wireVersionIndex struct {
	Keys   []string
	Values map[string]wireVersionEntry
}

// wireVersionEntry is the kinded union VersionEntry: a release in a leaf,
// a child link in a branch.
type wireVersionEntry struct {
	Release *wireRelease
	Link    *datamodel.Link
}

type wireReleases struct {
	Keys   []string
	Values map[string]wireRelease
}

type wireTags struct {
	Keys   []string
	Values map[string]string
}

type wireRelease struct {
	Content   datamodel.Link
	Size      int64
	Profile   string
	Hidden    bool
	Published int64
	Yanked    *wireYank
}

type wireYank struct {
	Reason string
	Time   int64
}

func link(c cid.Cid) datamodel.Link { return cidlink.Link{Cid: c} }

// unlink returns the CID of l, or cid.Undef for links that are not CIDs.
func unlink(l datamodel.Link) cid.Cid {
	if cl, ok := l.(cidlink.Link); ok {
		return cl.Cid
	}
	return cid.Undef
}
