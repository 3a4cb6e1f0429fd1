package manifest

import "errors"

// ErrInvalidName is returned when a service name breaks the naming rules.
var ErrInvalidName = errors.New("invalid service name")

// ErrInvalidVersion is returned when a string is not a strict SemVer 2.0.0
// version.
var ErrInvalidVersion = errors.New("invalid version")

// ErrInvalidRange is returned when a string is not an npm-style version range.
var ErrInvalidRange = errors.New("invalid version range")
