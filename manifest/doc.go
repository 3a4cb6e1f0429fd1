// Package manifest is svcreg's format: the typed, content-addressed blocks
// that map service names and SemVer versions to immutable UnixFS CIDs, and
// the rules for names, versions, ranges and tags. It does no I/O.
//
// # Blocks
//
// A registry state is a [Manifest] block linking to a tree of [Index]
// blocks (service name → [Service] block). Every block is typed by the IPLD
// schema in package schema and encoded as canonical DAG-CBOR: map keys in
// RFC 7049 length-first order, smallest integer forms, no trailing bytes.
// Its CID is CIDv1, codec dag-cbor (0x71), sha2-256 ([Prefix]). Decoders
// refuse blocks over [MaxBlockSize] and blocks that are not canonical
// ([ErrNotCanonical]), so every accepted block re-encodes to its own CID.
//
// # Resolution
//
// [ParseSpec] reads "name", "name@range" or "name@tag"; [Service.Resolve]
// picks a release: a tag's version, an exact version (yanked ones too), or
// the highest non-yanked version an npm-style [Range] matches, prereleases
// only when the range names them.
//
// # Projects and lockfiles
//
// [Project] is a consuming project's svcreg.json (which registry, which
// services at which ranges); [Lock] is its svcreg.lock, written in one
// canonical, reviewable form that is also valid DAG-JSON. Both decoders are
// strict. docs/LOCKFILE.md describes the files.
//
// docs/FORMAT.md describes the manifest format in full.
package manifest
