package follow

import "errors"

// ErrBadUpstream is returned by New when an upstream URL cannot be used.
var ErrBadUpstream = errors.New("bad upstream")

// ErrNodeAhead is returned by Push when the kubo node serves a newer
// state of the registry than the local copy.
var ErrNodeAhead = errors.New("the node serves a newer state")

// ErrNotLive is returned by Push when the head's record is past its end
// of life (it wraps ipns.ErrExpiredRecord too): only the key can sign a
// fresh one.
var ErrNotLive = errors.New("the head's record is no longer valid")

// ErrNotKeyHolder is returned by Resign when the key given is not the
// registry's.
var ErrNotKeyHolder = errors.New("the key is not the registry's")

// ErrNotReached is returned (with registry.ErrBlockNotFound) by a
// ReadThrough for a missing block that no followed registry reaches: it
// is not fetched.
var ErrNotReached = errors.New("no followed registry reaches it")

// ErrWillNotSign is returned by Resign (and so Republish and a Node's
// re-signing) when the head's manifest does not carry the publish
// threshold of the Root it links, or links none where one was recorded:
// the node holds only the IPNS key and signs records for nothing its
// publish keys did not sign. It comes with registry.ErrUntrusted and
// trust's error.
var ErrWillNotSign = errors.New("the node re-signs records only for publish-signed manifests")
