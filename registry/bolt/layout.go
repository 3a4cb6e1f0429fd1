package bolt

import "github.com/ipfs/go-cid"

// Bucket layout of the index file. All buckets live at the top level
// except the per-registry resolution buckets, which are nested in
// bucketResolutions.
//
//	meta        "layout"  → layoutVersion (one byte)
//	heads       <name>    → encoded Head (see encodeHead)
//	floors      <name>    → highest accepted seq, 8 bytes big-endian
//	resolutions <name>/   → nested bucket, one per registry name:
//	            <root cid bytes> 0x00 <query> → encoded Resolution (see encodeResolution)
//
// <name> is the registry's IPNS name as given by the caller (k51…). A
// registry's resolution bucket is deleted and recreated whenever its head
// moves, so it only ever holds answers for the current root; the root in
// the key additionally guards against a lookup for a stale root.
var (
	bucketMeta        = []byte("meta")
	bucketHeads       = []byte("heads")
	bucketFloors      = []byte("floors")
	bucketResolutions = []byte("resolutions")

	// keyLayout in bucketMeta stores the layout version of the file.
	keyLayout = []byte("layout")
)

// layoutVersion is the version of the bucket layout above. Open refuses a
// file written with a different layout version.
const layoutVersion byte = 1

// resolutionKeySep separates the root CID bytes from the query in a
// resolution key. CIDs are self-delimiting, so the key is unambiguous
// even when the CID bytes contain 0x00.
const resolutionKeySep byte = 0x00

// resolutionKey returns the key of query at root inside a registry's
// resolution bucket.
func resolutionKey(root cid.Cid, query string) []byte {
	rootBytes := root.KeyString() // the CID bytes, without a copy
	k := make([]byte, 0, len(rootBytes)+1+len(query))
	k = append(k, rootBytes...)
	k = append(k, resolutionKeySep)
	return append(k, query...)
}
