package trust

import (
	"errors"

	"github.com/svcreg/svcreg/manifest"
)

// ErrInvalid is returned when a block does not decode as the trust type
// asked for, or decodes to values that break the format's rules.
var ErrInvalid = errors.New("invalid trust block")

// ErrTooLarge is returned when a Root, signed Root or Moved block exceeds
// MaxSize, before it is decoded.
var ErrTooLarge = errors.New("trust block exceeds the maximum size")

// ErrTooManySignatures is returned when a block carries more than
// manifest.MaxSignatures signatures; it is manifest's error, so one
// errors.Is check covers manifests and trust blocks.
var ErrTooManySignatures = manifest.ErrTooManySignatures

// ErrChainTooLong is returned when a Root chain has more than
// MaxChainSteps steps, before any of them is verified.
var ErrChainTooLong = errors.New("root chain too long")

// ErrThreshold is returned when fewer distinct keys of a role than its
// threshold made valid signatures.
var ErrThreshold = errors.New("signature threshold not met")

// ErrRootVersion is returned when a Root is not the version right after
// the one trusted.
var ErrRootVersion = errors.New("root version is not the next one")

// ErrRootExpired is returned when the Root a chain ends at is expired.
var ErrRootExpired = errors.New("root expired")

// ErrWrongRegistry is returned when a Root, manifest or Moved block names
// another registry than the one it is checked for.
var ErrWrongRegistry = errors.New("block names another registry")

// ErrWrongRoot is returned when a manifest or Moved block links another
// Root than the one it is checked against.
var ErrWrongRoot = errors.New("block links another root")
