package registry

import "errors"

// ErrBlockNotFound is returned when a block is not in the local store.
var ErrBlockNotFound = errors.New("block not found")

// ErrCorruptBlock is returned when a stored block does not hash to its CID.
var ErrCorruptBlock = errors.New("block does not match its cid")

// ErrNoHead is returned when a registry has no head in the local index.
var ErrNoHead = errors.New("registry has no head")

// ErrHeadMoved is returned when another writer moved the head first.
var ErrHeadMoved = errors.New("registry head moved")

// ErrRollback is returned when a head's sequence is not above the highest
// sequence already seen for that registry.
var ErrRollback = errors.New("sequence is not above the highest seen")

// ErrReadOnly is returned when a change is asked of a registry opened
// without its signing key.
var ErrReadOnly = errors.New("registry is read-only without its key")

// ErrServiceNotFound is returned when a service is not in the registry.
var ErrServiceNotFound = errors.New("service not found")

// ErrExists is returned by Init when the registry already has a head.
var ErrExists = errors.New("registry already exists")
