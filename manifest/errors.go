package manifest

import "errors"

// ErrInvalidManifest is returned when a block does not decode as the schema
// type asked for, or decodes to values that break the format's rules.
var ErrInvalidManifest = errors.New("invalid manifest block")

// ErrNotCanonical is returned when a block decodes but is not in canonical
// DAG-CBOR form, so re-encoding it would give other bytes and another CID.
var ErrNotCanonical = errors.New("block is not canonical dag-cbor")

// ErrBlockTooLarge is returned when a block exceeds MaxBlockSize.
var ErrBlockTooLarge = errors.New("block exceeds the maximum block size")

// ErrCIDMismatch is returned when block bytes do not hash to the CID they
// were fetched under.
var ErrCIDMismatch = errors.New("block does not match its cid")

// RegistryError is returned, wrapped, when a project file or a lock names
// no registry, or one that cannot be an IPNS name (nor, in a project file,
// a domain). Its message is Err's.
type RegistryError struct{ Err error }

func (e *RegistryError) Error() string { return e.Err.Error() }
func (e *RegistryError) Unwrap() error { return e.Err }

// ErrTooManySignatures is returned when a block carries more than
// MaxSignatures signatures.
var ErrTooManySignatures = errors.New("too many signatures")
