package bolt

import (
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry/bolt/internal/layout"
)

// The bucket layout of the index file is defined in internal/layout (so
// that registry/bolt/peek reads it by the same definition).
var (
	bucketMeta        = layout.BucketMeta
	bucketHeads       = layout.BucketHeads
	bucketFloors      = layout.BucketFloors
	bucketResolutions = layout.BucketResolutions
	keyLayout         = layout.KeyLayout
)

// layoutVersion is the version of the bucket layout. Open refuses a file
// written with a different layout version.
const layoutVersion = layout.Version

// resolutionKey returns the key of query at root inside a registry's
// resolution bucket.
func resolutionKey(root cid.Cid, query string) []byte {
	return layout.ResolutionKey(root.KeyString(), query)
}
