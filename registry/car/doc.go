// Package car reads and writes registries as CARv1 files (content
// addressable archives), the format of kubo's `ipfs dag export` and
// `ipfs dag import` and of trustless gateways' ?format=car.
//
// # Writing
//
// [Writer] writes a header naming the roots, then blocks, each once.
// [Writer.DAG] walks a DAG depth-first with go-ipld-prime's traversal,
// exactly as go-car's TraverseV1 does for `ipfs dag export` (links in the
// order the codec decodes them, each block the first time it is reached),
// so the blocks of a DAG come out byte-identical to kubo's export of the
// same root. dag-cbor (manifests), dag-pb and raw (UnixFS) are decoded.
//
// # Reading
//
// [Read] accepts CARv1 and CARv2, checks every block against its CID
// before storing it (errors wrap manifest.ErrCIDMismatch), and refuses
// malformed files (ErrInvalidCAR) and blocks over MaxBlockSize.
//
// # IPNS records
//
// svcreg carries a registry's signed IPNS record in the same file as its
// blocks: the record is stored as a raw block (CIDv1, raw, sha2-256; see
// [RecordCID]) written last, and its CID is listed as a second root after
// the manifest root. kubo's `ipfs dag import` imports that block like any
// other and pins it as a (trivially complete) root. docs/NETWORK.md
// describes the file layout.
//
// # Adopting
//
// [Adopt] finds the registry states among a read file's roots and makes
// each the head of its registry when the file also carries its signed
// record, the record verifies and its sequence is above the highest the
// home has seen; it says what it did with each ([Outcome]). With
// [AdoptConfig].Content set, a state with a release that get would not
// write (content expanding beyond the limits, or to another size than
// recorded) is refused first ([UnwritableError]).
//
// # Root files
//
// [WriteRoot] and [ReadRoot] carry a trust Root version being signed
// offline ([RootFile]): a CARv1 rooted at the signed Root block, with the
// signed Root before it beside it. docs/FORMAT.md describes the layout.
package car
