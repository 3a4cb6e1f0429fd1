package bolt

import (
	"errors"

	"github.com/svcreg/svcreg/registry/bolt/internal/layout"
)

// ErrCorruptIndex is returned when a value or the layout of the index file
// cannot be decoded.
var ErrCorruptIndex = layout.ErrCorrupt

// ErrLocked is returned when Open cannot get the index file's lock within
// Options.Timeout because another process holds it.
var ErrLocked = errors.New("index is locked by another svcreg process")

// ErrReadOnly is returned when a write is attempted on a Index opened with
// Options.ReadOnly.
var ErrReadOnly = errors.New("index is open read-only")

// ErrInvalidHead is returned when SwapHead is given a head without a name,
// without a root or with sequence 0.
var ErrInvalidHead = errors.New("invalid head")
