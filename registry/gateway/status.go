package gateway

import (
	"errors"
	"net/http"
	"time"

	"github.com/ipfs/boxo/gateway"
	"github.com/libp2p/go-libp2p/core/routing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/ipns"
)

// retryAfter is the Retry-After sent while another process holds the index.
const retryAfter = time.Second

// statusOf maps an error to the HTTP status of a response about it.
func statusOf(err error) int {
	switch {
	case errors.Is(err, bolt.ErrLocked):
		return http.StatusServiceUnavailable
	case errors.Is(err, errTooManyRecords):
		return http.StatusInsufficientStorage
	case errors.Is(err, errNotFollowed):
		return http.StatusForbidden
	case isAny(err, registry.ErrRollback, errOlderRecord):
		return http.StatusConflict
	case errors.Is(err, manifest.ErrYanked):
		return http.StatusGone
	case isAny(err, errMissingBlocks, errUnusableRecord):
		return http.StatusUnprocessableEntity
	case isAny(err, errBadPath, errUnsupportedName, ipns.ErrInvalidName, manifest.ErrInvalidSpec, manifest.ErrInvalidName,
		manifest.ErrInvalidRange, manifest.ErrInvalidVersion):
		return http.StatusBadRequest
	case isAny(err, registry.ErrNoHead, routing.ErrNotFound, dnslink.ErrNotFound, errNoRecord, errNoRegistry, registry.ErrServiceNotFound,
		manifest.ErrVersionNotFound, manifest.ErrNoMatch, manifest.ErrTagNotFound):
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

// withStatus wraps err so that boxo's gateway answers with statusOf(err)
// (and Retry-After when the index is busy).
func withStatus(err error) error {
	code := statusOf(err)
	e := error(gateway.NewErrorStatusCode(err, code))
	if code == http.StatusServiceUnavailable {
		e = gateway.NewErrorRetryAfter(e, retryAfter)
	}
	return e
}

// writeError answers a request outside boxo's handlers.
func writeError(w http.ResponseWriter, err error) {
	code := statusOf(err)
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, err.Error(), code)
}

func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
