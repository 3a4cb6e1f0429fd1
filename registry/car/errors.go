package car

import "errors"

// ErrInvalidCAR is returned when a file is not a well-formed CAR.
var ErrInvalidCAR = errors.New("invalid CAR file")

// MaxBlockSize is the largest block Read accepts: kubo's and bitswap's
// limit.
const MaxBlockSize = 2 << 20
