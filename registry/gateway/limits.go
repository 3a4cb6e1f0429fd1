package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"time"
)

// bodyLimits bounds what clients that send request bodies (PUTs of
// records) can hold: at most max bodies are read at once, at most
// perClient of them from one client, each within timeout and up to size
// bytes. A request over a count is answered 503 at once and its
// connection closed, so slow senders cannot pile up connections, nor one
// client take every slot; requests without a body never wait for them.
type bodyLimits struct {
	slots   chan struct{}
	clients *counts
	timeout time.Duration
	size    int64
}

func newBodyLimits(max, perClient int, timeout time.Duration, size int64) *bodyLimits {
	return &bodyLimits{slots: make(chan struct{}, max), clients: newCounts(perClient), timeout: timeout, size: size}
}

// read reads r's body into memory under the limits and returns r with
// that body. When it returns false it has answered the request.
func (l *bodyLimits) read(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return r, true
	}
	if r.ContentLength > l.size {
		refuse(w, http.StatusRequestEntityTooLarge, fmt.Errorf("request body of %d bytes is over the limit of %d", r.ContentLength, l.size))
		return nil, false
	}
	c := clientOf(r)
	if !l.clients.take(c) {
		w.Header().Set("Retry-After", "1")
		refuse(w, http.StatusServiceUnavailable, errors.New("too many request bodies being received from this address; retry"))
		return nil, false
	}
	defer l.clients.release(c)
	select {
	case l.slots <- struct{}{}:
	default:
		w.Header().Set("Retry-After", "1")
		refuse(w, http.StatusServiceUnavailable, errors.New("too many request bodies being received; retry"))
		return nil, false
	}
	defer func() { <-l.slots }()
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(time.Now().Add(l.timeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		refuse(w, http.StatusInternalServerError, err)
		return nil, false
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.size))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		refuse(w, http.StatusRequestEntityTooLarge, fmt.Errorf("request body is over the limit of %d bytes", l.size))
		return nil, false
	case errors.Is(err, os.ErrDeadlineExceeded):
		refuse(w, http.StatusRequestTimeout, fmt.Errorf("request body not received within %s", l.timeout))
		return nil, false
	case err != nil:
		refuse(w, http.StatusBadRequest, fmt.Errorf("read request body: %w", err))
		return nil, false
	}
	rc.SetReadDeadline(time.Time{})
	r2 := r.Clone(r.Context())
	r2.Body, r2.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	return r2, true
}

// limitPuts answers 429 with Retry-After, and reports false, when r is a
// PUT beyond its client's share (Config.PutRate, Config.PutBurst).
func (s *Server) limitPuts(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPut || s.puts.allow(clientOf(r), s.now()) {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(1/s.puts.rate)))))
	refuse(w, http.StatusTooManyRequests, errors.New("too many PUTs from this address; retry later"))
	return false
}

// refuse answers with code and closes the connection, which may still
// hold the unread part of a body.
func refuse(w http.ResponseWriter, code int, err error) {
	w.Header().Set("Connection", "close")
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, err.Error(), code)
}
