package remote

import "time"

const (
	// DefaultTimeout is how long a request may take as a whole when
	// Options.Timeout is 0.
	DefaultTimeout = 10 * time.Second
	// DefaultMinRate is the slowest a CAR may arrive (bytes per second,
	// after the Timeout) when Options.MinRate is 0.
	DefaultMinRate = 256 << 10
	// DefaultRetries is how many times a request that failed fast is
	// tried again when Options.Retries is 0.
	DefaultRetries = 2
	// MaxRecordSize is the largest IPNS record read (the IPNS limit).
	MaxRecordSize = 10 << 10
	// MaxBlockSize is the largest block read, kubo's and bitswap's limit.
	MaxBlockSize = 2 << 20
)

// Media types of the trustless gateway protocol.
const (
	mediaRecord = "application/vnd.ipfs.ipns-record"
	mediaRaw    = "application/vnd.ipld.raw"
	mediaCAR    = "application/vnd.ipld.car"
)

// retryBackoff is the pause before the first retry; it doubles after each.
const retryBackoff = 100 * time.Millisecond
