package gateway

import (
	"context"
	"fmt"
	"net/http"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/routing/http/server"
	"github.com/ipfs/boxo/routing/http/types"
	"github.com/ipfs/boxo/routing/http/types/iter"
	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/routing"
)

// router is the delegated routing service: IPNS records only. boxo's
// server validates every PUT record against its name before PutIPNS.
type router struct{ s *Server }

var _ server.DelegatedRouter = router{}

// GetIPNS returns the live record stored for name, or an error wrapping
// routing.ErrNotFound, which the client is told with 404 (boxo's server
// would answer 200 text/plain, as IPIP-0513 says for lists; the
// delegated routing spec answers a missing record with 404).
func (r router) GetIPNS(ctx context.Context, name ipnsrec.Name) (*ipnsrec.Record, error) {
	if _, rec, ok := r.s.finalRecord(name); ok {
		return rec, nil
	}
	vh, err := r.s.liveHead(ctx, name)
	if r.s.useRecords(err) {
		_, rec, err := r.s.records.get(name)
		if err != nil {
			chooseStatus(ctx, http.StatusNotFound)
			return nil, fmt.Errorf("%w: %w", routing.ErrNotFound, err)
		}
		return rec, nil
	}
	switch code := statusOf(err); {
	case err == nil:
		return ipnsrec.UnmarshalRecord(vh.Head.Record)
	case code == http.StatusServiceUnavailable:
		chooseStatus(ctx, code)
		return nil, err
	case code != http.StatusNotFound:
		r.s.log.Info("no usable ipns record", "name", name.String(), "err", err)
	}
	chooseStatus(ctx, http.StatusNotFound)
	return nil, fmt.Errorf("%w: %w", routing.ErrNotFound, err)
}

// PutIPNS stores record as the new head of name under the rules in the
// package documentation. The HTTP status of a refusal is passed to
// withRouteStatus through ctx.
func (r router) PutIPNS(ctx context.Context, name ipnsrec.Name, record *ipnsrec.Record) error {
	raw, err := ipnsrec.MarshalRecord(record)
	if err == nil {
		err = r.s.acceptRecord(ctx, name, raw)
	}
	if err != nil {
		chooseStatus(ctx, statusOf(err))
		r.s.log.Info("put ipns record refused", "name", name.String(), "err", err)
	}
	return err
}

// ProvideBitswap implements server.DelegatedRouter (deprecated API).
func (router) ProvideBitswap(context.Context, *server.BitswapWriteProvideRequest) (time.Duration, error) {
	return 0, routing.ErrNotSupported
}

// GetClosestPeers implements server.DelegatedRouter: there is no DHT.
func (router) GetClosestPeers(context.Context, cid.Cid) (iter.ResultIter[*types.PeerRecord], error) {
	return nil, routing.ErrNotFound
}

// routeStatusKey carries a *routeStatus from withRouteStatus to the
// router's methods.
type routeStatusKey struct{}

// routeStatus is the status GetIPNS or PutIPNS chose for its error.
type routeStatus struct{ code int }

// chooseStatus makes code the status of the answer to the request of ctx,
// which is about an error the router returns.
func chooseStatus(ctx context.Context, code int) {
	if st, ok := ctx.Value(routeStatusKey{}).(*routeStatus); ok {
		st.code = code
	}
}

// withRouteStatus lets the router choose the status of an error: boxo's
// server answers a missing record with 200 and every other delegate error
// with 500, which would tell a client to retry what will never succeed.
func withRouteStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &routeStatus{}
		r = r.WithContext(context.WithValue(r.Context(), routeStatusKey{}, st))
		next.ServeHTTP(&statusWriter{ResponseWriter: w, st: st}, r)
	})
}

// statusWriter replaces the status of an error answer with the one in st.
type statusWriter struct {
	http.ResponseWriter
	st *routeStatus
}

func (w *statusWriter) WriteHeader(code int) {
	if (code == http.StatusInternalServerError || code == http.StatusOK) && w.st.code != 0 {
		code = w.st.code
		if code == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
