package home

import "errors"

// ErrNoKey is returned when the home holds no registry key.
var ErrNoKey = errors.New("no registry key")

// ErrNotDir is returned when the home's path is not a directory.
var ErrNotDir = errors.New("home is not a directory")

// ErrReadOnly is returned when a change is asked of a read-only home.
var ErrReadOnly = errors.New("home is read-only")

// ErrInvalidConfig is returned when the config file cannot be used.
var ErrInvalidConfig = errors.New("invalid config file")
