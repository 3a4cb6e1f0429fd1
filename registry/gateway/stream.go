package gateway

import (
	"errors"
	"log/slog"
	"net/http"
)

// errStreamCap is what a capped response's Write returns past the cap.
var errStreamCap = errors.New("response over the limit of the server")

// streamCap bounds the body bytes one response of boxo's gateway may
// carry. A UnixFS directory may link one subtree any number of times, so
// a DAG of a few blocks stored here can expand, as a ?format=tar stream,
// a file or a CAR with dups=y, into any number of bytes; boxo (and so
// kubo) streams all of them. Past max bytes the Writes fail and the
// connection is aborted, so the client sees a truncated response, never
// one that looks complete.
type streamCap struct {
	next http.Handler
	max  int64
	log  *slog.Logger
}

func (s streamCap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cw := &cappedWriter{ResponseWriter: w, left: s.max}
	s.next.ServeHTTP(cw, r)
	if cw.over {
		s.log.Warn("response aborted", "path", r.URL.Path, "query", r.URL.RawQuery, "max_bytes", s.max)
		panic(http.ErrAbortHandler) // net/http closes the connection without ending the body
	}
}

// cappedWriter passes at most left body bytes to its ResponseWriter.
type cappedWriter struct {
	http.ResponseWriter
	left int64
	over bool
}

func (w *cappedWriter) Write(b []byte) (int, error) {
	if w.over || int64(len(b)) > w.left {
		w.over = true
		return 0, errStreamCap
	}
	n, err := w.ResponseWriter.Write(b)
	w.left -= int64(n)
	return n, err
}

func (w *cappedWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *cappedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
