// Package trust is the format and the rules of a registry's signing keys,
// after The Update Framework's root and targets roles: the [Root] block
// (which keys exist, and for the root and publish roles which of them and
// how many must sign), its signed envelope [SignedRoot], the [Moved] block
// that hands a registry over to a new name, and the checks on each. Like
// package manifest it does no I/O: it takes blocks and a time, and
// returns typed errors.
//
// # Blocks
//
// Each block is canonical DAG-CBOR typed by the schema in package schema,
// with CIDs made as manifest blocks' are. Decoders refuse a block over
// [MaxSize] ([ErrTooLarge]) and a list of more than manifest.MaxSignatures
// signatures ([ErrTooManySignatures]) by reading item heads only, before
// decoding anything.
//
// # Signatures
//
// A key is an ed25519 public key, named by its id, [KeyID]: the hex
// SHA-256 of its bytes. A signature covers a domain prefix ([DomainRoot],
// [DomainManifest], [DomainMoved]) followed by the block encoded without
// its signatures, so it is valid for one block of one type only. A
// threshold counts distinct keys that the role lists and whose signature
// verifies.
//
// # Rules
//
// [VerifyRootStep] accepts Root version N+1 after version N when it names
// the same registry and the root-role thresholds of both versions signed
// it. [VerifyChain] walks at most [MaxChainSteps] such steps from a
// trusted Root and refuses a last Root that has expired.
// [VerifyManifestSignatures] and [VerifyManifest] check a manifest's
// publish threshold.
//
// docs/FORMAT.md ("Trust") describes the blocks in full.
package trust
