package ipns

import (
	"errors"

	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// ErrKeyPermissions is returned when a key file can be read or written by
// its group or by others.
var ErrKeyPermissions = ipnsname.ErrKeyPermissions

// ErrKeyExists is returned when Save would overwrite an existing file.
var ErrKeyExists = errors.New("key file already exists")

// ErrUnsupportedKey is returned when a key is not ed25519.
var ErrUnsupportedKey = errors.New("unsupported key type (only ed25519)")

// ErrInvalidKey is returned when key bytes cannot be parsed or are
// inconsistent.
var ErrInvalidKey = errors.New("invalid key")

// ErrInvalidRecord is returned when an IPNS record is malformed, too big,
// not signed by the name's key, or does not point at /ipfs/<cid>.
var ErrInvalidRecord = errors.New("invalid ipns record")

// ErrExpiredRecord is returned when an otherwise valid IPNS record is past
// its end of life.
var ErrExpiredRecord = errors.New("ipns record is expired")

// ErrInvalidName is returned when a string is not the IPNS name of an
// ed25519 key.
var ErrInvalidName = errors.New("invalid ipns name")
