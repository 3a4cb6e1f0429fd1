package gateway

import "time"

const (
	// DefaultMaxStale is how long a head read from the index is used
	// without re-reading it when the index file looks unchanged.
	DefaultMaxStale = time.Second
	// defaultReadWait is how long a re-read waits for another process's
	// lock on the index before the last verified copy is used instead.
	defaultReadWait = 250 * time.Millisecond
	// defaultWriteWait is how long a PUT of a record waits for the index
	// lock, as long as an interactive svcreg command would be willing to.
	defaultWriteWait = 10 * time.Second
	// defaultMaxBodies is how many request bodies (PUTs of records) are
	// read at once; more are answered 503 with Retry-After.
	defaultMaxBodies = 32
	// defaultMaxClientBodies is how many of those one client address
	// (an IPv6 /64) may send at once.
	defaultMaxClientBodies = 4
	// defaultBodyTimeout is how long reading one request body may take:
	// a record is small, so a client that takes longer is stalling.
	defaultBodyTimeout = 2 * time.Second
	// defaultMaxBodySize bounds a request body: a record is at most 10 KiB.
	defaultMaxBodySize = 64 << 10
	// defaultPutRate is how many PUTs a second one client address (an
	// IPv6 /64) may send after a burst of defaultPutBurst.
	defaultPutRate = 10
	// defaultPutBurst is how many PUTs one client address may send at once.
	defaultPutBurst = 100
	// defaultMaxRecords bounds the records of names not followed that
	// are kept (Config.RecordsDir): about 100 MB at the 10 KiB a record
	// may have.
	defaultMaxRecords = 10000
	// DefaultMaxResponseSize bounds the body of one response of the
	// gateway (a file, a ?format=tar or car stream): 16 GiB, what a
	// consumer's svcreg get accepts of a release by default.
	DefaultMaxResponseSize = 16 << 30
	// svcCacheControl is the Cache-Control of /svc/ responses: the answer
	// changes with the registry, so browsers revalidate it on every use.
	svcCacheControl = "no-cache"
)

// maxHeadEntries bounds the heads kept in memory; names come from request
// URLs, so unknown ones must not accumulate.
const maxHeadEntries = 4096

// maxResolutions bounds the /svc/ resolutions kept in memory per head.
const maxResolutions = 4096
