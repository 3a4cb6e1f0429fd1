package peer

import "errors"

// ErrNoKey is returned by New without Config.Key.
var ErrNoKey = errors.New("peer: no identity key")

// ErrNoBlocks is returned by New without Config.Blocks.
var ErrNoBlocks = errors.New("peer: no block store")

// ErrBadAddr is wrapped by ParseListen and ParseBootstrap for an address
// they cannot use.
var ErrBadAddr = errors.New("bad peer address")

// ErrBadProvide is wrapped by ParseProvide for a strategy it does not
// know.
var ErrBadProvide = errors.New("bad provide strategy")

// errReadOnly is returned by writes to the block store bitswap serves
// from: the peer serves blocks and never stores any.
var errReadOnly = errors.New("the peer's block store is read only")
