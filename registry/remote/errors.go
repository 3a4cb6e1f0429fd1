package remote

import (
	"errors"

	"github.com/svcreg/svcreg/internal/baseurl"
)

// ErrUnexpectedResponse is returned when a gateway answers in another
// form than the one asked for (another media type, a CARv2 when a CARv1
// was asked for). Such errors also wrap registry.ErrUnreachable: the
// gateway is of no use, but nothing it sent was trusted.
var ErrUnexpectedResponse = errors.New("unexpected response")

// ErrInvalidData is returned when a gateway sends what no valid answer
// can be: a record larger than MaxRecordSize, a block larger than
// MaxBlockSize, a CAR whose header or sections do not parse, or one
// holding a block not linked from the blocks before it. Unlike
// ErrUnexpectedResponse it does not wrap registry.ErrUnreachable: like a
// block that does not match its CID, it is the gateway's lie (or fault),
// an integrity error.
var ErrInvalidData = errors.New("invalid data from the gateway")

// ErrInvalidURL is wrapped by ParseURL for a URL that breaks the rule of
// base URLs.
var ErrInvalidURL = baseurl.ErrInvalid
