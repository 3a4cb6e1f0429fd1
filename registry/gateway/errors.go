package gateway

import "errors"

// errNotFollowed is returned when a record is offered for a registry that
// this home neither owns nor follows (the index has no head for it).
var errNotFollowed = errors.New("registry is not followed by this home")

// errMissingBlocks is returned when a record is offered whose manifest
// root block is not in the block store.
var errMissingBlocks = errors.New("manifest block is not in the block store")

// errExpired is returned when a name is resolved whose stored record is
// past its end of life.
var errExpired = errors.New("ipns record has expired")

// errNoRegistry is returned for a /svc/ address when the server was
// started without a registry to resolve it in.
var errNoRegistry = errors.New("no registry to resolve services in")

// errReadOnly is returned when something tries to write through the
// server's block store.
var errReadOnly = errors.New("the gateway's block store is read-only")

// errUnsupportedName is returned for /ipns/ names that are not the IPNS
// name of an ed25519 key, nor a domain with a DNSLink record (when the
// server resolves DNSLink).
var errUnsupportedName = errors.New("not an ipns key name or a dnslink domain")

// errUnusableRecord is returned when an offered record is valid IPNS but
// does not point at a state of its registry: its value is not /ipfs/<cid>,
// or the manifest it points at is of another registry or sequence.
var errUnusableRecord = errors.New("record does not point at a state of its registry")

// errBadPath is returned for a /svc/ path with a segment that could leave
// the release: "." or "..", however escaped, or an escaped slash.
var errBadPath = errors.New("path segment not allowed")

// errNoRecord is returned when no record is stored for a name that this
// home does not follow.
var errNoRecord = errors.New("no ipns record stored for this name")

// errOlderRecord is returned when a record is offered for a name that is
// not followed and the stored record is newer.
var errOlderRecord = errors.New("record is older than the one stored")

// errTooManyRecords is returned when a record of a new name not followed
// is offered while Config.MaxRecords live records are kept, none of which
// ends before it.
var errTooManyRecords = errors.New("too many records of names not followed are kept")

// ErrIPGateway is returned by OriginHost for a gateway at an IP address
// other than loopback: no browser resolves names under it, so a release
// has no origin of its own there.
var ErrIPGateway = errors.New("a gateway at an IP address has no release origins")

// ErrGatewayPath is returned by OriginHost for a gateway below a path: a
// release's origin is a host of its own.
var ErrGatewayPath = errors.New("a gateway below a path has no release origins")

// originError is an error of OriginHost: its message names the gateway,
// and errors.Is matches its kind (ErrIPGateway, ErrGatewayPath).
type originError struct {
	kind error
	msg  string
}

func (e *originError) Error() string        { return e.msg }
func (e *originError) Is(target error) bool { return target == e.kind }

// ErrPublicURL is returned by NodeProvider for a public URL that is not
// the root of an http(s) server.
var ErrPublicURL = errors.New("not the URL of an http(s) server's root")
