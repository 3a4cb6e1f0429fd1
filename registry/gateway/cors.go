package gateway

import "net/http"

// routingCORS are the headers of a preflight answer on /routing/v1/: any
// origin may read (GET, HEAD), none may write, as for /ipfs/ and /ipns/.
var routingCORS = map[string]string{
	"Access-Control-Allow-Origin":  "*",
	"Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
	"Access-Control-Allow-Headers": "Accept, Content-Type, User-Agent, X-Requested-With",
	"Access-Control-Max-Age":       "86400",
}

// withRoutingCORS lets pages of any origin read the delegated routing
// answers, as the routing spec expects of servers for browser clients
// (Helia's verified-fetch resolves ipns:// through them): GET and HEAD
// answers, errors included, carry Access-Control-Allow-Origin: *, and an
// OPTIONS preflight is answered 204 here (boxo's router knows no OPTIONS).
// PUTs of records get no CORS headers, so a page cannot send one. HEAD is
// served as GET without the body (net/http drops it).
func withRoutingCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodOptions:
			for k, v := range routingCORS {
				w.Header().Set(k, v)
			}
			w.Header().Set("Allow", "GET, HEAD, PUT, OPTIONS")
			w.WriteHeader(http.StatusNoContent)
			return
		case http.MethodHead:
			r = r.Clone(r.Context())
			r.Method = http.MethodGet
			fallthrough
		case http.MethodGet:
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		next.ServeHTTP(w, r)
	})
}
