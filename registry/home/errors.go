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

// ErrRemoteExists is returned when a remote's name stands for another
// registry (RemoteExistsError).
var ErrRemoteExists = errors.New("remote already exists")

// ErrRemoteNotFound is returned for a remote name that is not configured.
var ErrRemoteNotFound = errors.New("no such remote")

// ErrReplicaNotFound is returned for a replica name that is not
// configured.
var ErrReplicaNotFound = errors.New("no such replica")
