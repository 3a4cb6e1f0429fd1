package remote

import "errors"

// ErrUnexpectedResponse is returned when a gateway answers in another
// form than the one asked for (another media type, a CARv2 when a CARv1
// was asked for). Such errors also wrap registry.ErrUnreachable: the
// gateway is of no use, but nothing it sent was trusted.
var ErrUnexpectedResponse = errors.New("unexpected response")
