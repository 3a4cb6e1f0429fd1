package gateway

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/path"
	"github.com/ipfs/go-cid"
	"github.com/prometheus/client_golang/prometheus"
)

// maxAnswers bounds the answers remembered: between maxAnswers and twice
// as many (about a kilobyte each).
const maxAnswers = 1 << 10

// maxAnswerBody is the largest body an answer is remembered for: the
// per-request work saved matters for small files only.
const maxAnswerBody = 64 << 10

// answers replays boxo's answers to plain GETs of /ipfs/ paths that end
// in a raw block (a file of one block, the usual small file). An /ipfs/
// path names immutable content, and for a request of the plain shape
// (fastShape: no query, no Range, no conditional or content-negotiating
// header) boxo's answer depends only on the host, the path and that
// content: once boxo has answered 200 with a body equal to the block, the
// status and headers it wrote are kept, and the next such request is
// answered with them and the block, read and verified again, in one
// write. Boxo's handler, with its path parsing, tracing, logging and
// header building, is skipped. A block that cannot be read (a corrupt one
// is refused by the store) sends the request to boxo, which answers the
// error it always answers.
//
// Of boxo's metrics, the answers count in ipfs_http_gw_responses_total
// and ipfs_http_gw_request_types as boxo's would; they are not timed in
// its duration histograms, nor counted in ipfs_http_gw_concurrent_requests.
type answers struct {
	memo    *memo[answerKey, *answer]
	backend resolvedBackend
	// store is what backend's block service reads: a replay reads its
	// block, validated by the block service when the answer was learnt,
	// from it directly (no tracing span, no second validation).
	store  blockstore.Blockstore
	served atomic.Uint64 // answers replayed, for the tests

	// boxo's counters, shared with it (answerMetrics).
	responses, types *prometheus.CounterVec
	once             sync.Once
	ok, plain        prometheus.Counter // responses{code="200"}, types{gateway="ipfs",type=""}
}

type answerKey struct{ host, path string }

// answer is what boxo wrote for a path: its headers (status 200), and
// the raw block its body is. An answer without a block is one that
// cannot be replayed (a large file, a directory listing), so boxo's
// answers are not recorded again.
type answer struct {
	header http.Header
	block  cid.Cid
}

func newAnswers(backend resolvedBackend, store blockstore.Blockstore, metrics prometheus.Registerer) *answers {
	a := &answers{memo: newMemo[answerKey, *answer](maxAnswers), backend: backend, store: store}
	a.responses, a.types = answerMetrics(metrics)
	return a
}

// serve answers r from a remembered answer, or has next answer it and
// remembers that answer when it can be replayed.
func (a *answers) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if !fastShape(r) {
		next.ServeHTTP(w, r)
		return
	}
	key := answerKey{r.Host, r.URL.Path}
	ans, ok := a.memo.get(key)
	switch {
	case ok && !ans.block.Defined(): // boxo's every time
		next.ServeHTTP(w, r)
		return
	case ok && a.replay(w, r, ans):
		return
	}
	cw := &captureWriter{ResponseWriter: w}
	next.ServeHTTP(cw, r)
	a.learn(r, key, cw)
}

// replay writes ans with its block, read and verified; it reports false,
// having written nothing, when the block cannot be read.
func (a *answers) replay(w http.ResponseWriter, r *http.Request, ans *answer) bool {
	blk, err := a.store.Get(r.Context(), ans.block)
	if err != nil {
		return false
	}
	h := w.Header()
	for k, v := range ans.header {
		h[k] = v
	}
	w.WriteHeader(http.StatusOK)
	w.Write(blk.RawData())
	a.ok.Inc()
	a.plain.Inc()
	a.served.Add(1)
	return true
}

// learn remembers the answer cw recorded for r when it is 200: when
// its body is the raw block r's path resolved to, as an answer to
// replay, else as one not to record again.
func (a *answers) learn(r *http.Request, key answerKey, cw *captureWriter) {
	if cw.code != http.StatusOK {
		return // an error may pass; only 200 is the answer of the content
	}
	c, known := a.replayable(r, cw)
	switch {
	case c.Defined():
		// boxo has counted a 200 answer: its counters' children exist.
		a.once.Do(func() {
			a.ok = a.responses.WithLabelValues("200")
			a.plain = a.types.WithLabelValues("ipfs", "")
		})
		a.memo.put(key, &answer{header: cw.header, block: c})
	case known:
		a.memo.put(key, &answer{})
	}
}

// replayable returns the raw block that cw's 200 answer to r carries,
// when its body is that block; known is false when that could not be
// told (the block could not be read).
func (a *answers) replayable(r *http.Request, cw *captureWriter) (c cid.Cid, known bool) {
	if cw.over {
		return cid.Undef, true
	}
	p, err := path.NewPath(r.URL.Path)
	if err != nil {
		return cid.Undef, true
	}
	ip, err := path.NewImmutablePath(p)
	if err != nil {
		return cid.Undef, true
	}
	c = ip.RootCid()
	if hasPath(ip) {
		md, ok := a.backend.lookup(ip)
		if !ok {
			return cid.Undef, false // forgotten since
		}
		if len(md.LastSegmentRemainder) > 0 {
			return cid.Undef, true
		}
		c = md.LastSegment.RootCid()
	}
	if c.Prefix().Codec != cid.Raw {
		return cid.Undef, true
	}
	blk, err := a.backend.blocks.GetBlock(r.Context(), c)
	if err != nil {
		return cid.Undef, false
	}
	if !bytes.Equal(blk.RawData(), cw.body) {
		return cid.Undef, true
	}
	return c, true
}

// fastShape reports whether r is a plain GET of an /ipfs/ path, which
// boxo answers from the host, the path and the content alone: no query,
// a path as sent (no escapes), and no request header but User-Agent,
// Accept-Encoding, Connection and Accept: */* (so no Range, no
// If-None-Match, no Cache-Control: only-if-cached, no Service-Worker, no
// Origin, no X-Forwarded-Host).
func fastShape(r *http.Request) bool {
	if r.Method != http.MethodGet || r.URL.RawQuery != "" || r.URL.RawPath != "" || r.RequestURI != r.URL.Path ||
		!strings.HasPrefix(r.URL.Path, "/ipfs/") {
		return false
	}
	for k, v := range r.Header {
		switch k {
		case "User-Agent", "Accept-Encoding", "Connection":
		case "Accept":
			if len(v) != 1 || v[0] != "*/*" {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// captureWriter passes a response through and keeps its status, the
// headers it was sent with and up to maxAnswerBody bytes of its body.
type captureWriter struct {
	http.ResponseWriter
	code   int
	header http.Header
	body   []byte
	over   bool // the body is longer than maxAnswerBody
}

func (w *captureWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
		w.header = w.ResponseWriter.Header().Clone()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *captureWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.over && len(w.body)+len(b) <= maxAnswerBody {
		w.body = append(w.body, b...)
	} else {
		w.over, w.body = true, nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *captureWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *captureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// answerMetrics registers boxo's ipfs_http_gw_responses_total and
// ipfs_http_gw_request_types counters in reg before boxo does, as boxo
// defines them, so that boxo's handler and the replayed answers count in
// the same ones (boxo takes the counters already registered).
func answerMetrics(reg prometheus.Registerer) (responses, types *prometheus.CounterVec) {
	responses = registerCounter(reg, prometheus.CounterOpts{Namespace: "ipfs", Subsystem: "http", Name: "gw_responses_total",
		Help: "Total number of HTTP responses sent by the gateway, labeled by status code."}, "code")
	types = registerCounter(reg, prometheus.CounterOpts{Namespace: "ipfs", Subsystem: "http", Name: "gw_request_types",
		Help: "The number of requests per implicit or explicit request type."}, "gateway", "type")
	return responses, types
}

func registerCounter(reg prometheus.Registerer, opts prometheus.CounterOpts, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(opts, labels)
	if err := reg.Register(c); err != nil {
		if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
			if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
				return existing
			}
		}
	}
	return c
}
