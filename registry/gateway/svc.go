package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// svcPrefix starts the friendly addresses /svc/<service>@<range>/<path>.
const svcPrefix = "/svc/"

// serveSvc resolves /svc/<spec>/<path> and serves <path> of the release
// by rewriting the request to /ipfs/<cid>/<path> (see the package
// documentation).
func (s *Server) serveSvc(w http.ResponseWriter, r *http.Request) {
	rawSpec, rest, slash := strings.Cut(strings.TrimPrefix(r.URL.EscapedPath(), svcPrefix), "/")
	specStr, err := url.PathUnescape(rawSpec)
	if err != nil {
		writeError(w, fmt.Errorf("%w %q: %w", manifest.ErrInvalidSpec, rawSpec, err))
		return
	}
	spec, err := manifest.ParseSpec(specStr)
	if err != nil {
		writeError(w, err)
		return
	}
	if !slash {
		// Relative URLs in the page resolve against the directory.
		target := svcPrefix + rawSpec + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	if s.reg == nil {
		writeError(w, errNoRegistry)
		return
	}
	if err := checkSegments(rest); err != nil {
		writeError(w, err)
		return
	}
	res, err := s.reg.Resolve(r.Context(), spec)
	if errors.Is(err, manifest.ErrYanked) {
		err = s.explainYanked(r.Context(), spec, err)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if gw, ok := s.redirectGateway(r); ok {
		s.redirectSvc(w, r, gw, res, rest)
		return
	}
	rawPath := "/ipfs/" + res.CID.String() + "/" + rest
	p, err := url.PathUnescape(rawPath)
	if err != nil {
		writeError(w, fmt.Errorf("%w: %w", manifest.ErrInvalidSpec, err))
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = p, rawPath
	// r.RequestURI stays the friendly URL: boxo builds its redirects and
	// directory listing links from it.
	s.gw.ServeHTTP(&svcWriter{ResponseWriter: w, release: releaseLabel(res)}, r2)
}

// explainYanked adds to err, a tag of spec pointing at a yanked version,
// what the service's browse page shows: the version, why it was yanked,
// and where it is still served (a yanked version resolves when named
// exactly, as with svcreg resolve).
func (s *Server) explainYanked(ctx context.Context, spec manifest.Spec, err error) error {
	svc, lerr := s.reg.ServiceLatest(ctx, spec.Name)
	if lerr != nil {
		return err
	}
	v, lerr := manifest.ParseVersion(svc.Tags[spec.Tag])
	if lerr != nil {
		return err
	}
	res, lerr := s.reg.Resolve(ctx, manifest.ExactSpec(spec.Name, v))
	if lerr != nil || !res.Yanked {
		return err
	}
	reason := res.YankReason
	if reason == "" {
		reason = "(none given)"
	}
	esc := url.PathEscape(string(spec.Name))
	return fmt.Errorf("%w\nreason: %s\na tag never resolves to a yanked version: %s@%s is still served at %s%s@%s/ when named exactly; its service's versions and tags are at %s%s/%s/",
		err, reason, spec.Name, v, svcPrefix, esc, url.PathEscape(v.String()), browsePrefix, s.registry, esc)
}

// checkSegments refuses a path below /svc/<spec>/ with a segment that
// would leave the release once the request is rewritten to /ipfs/<cid>/:
// "." and "..", however escaped, and escaped slashes that would make new
// segments after unescaping. rest is the escaped path.
func checkSegments(rest string) error {
	for _, seg := range strings.Split(rest, "/") {
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return fmt.Errorf("%w: %w", errBadPath, err)
		}
		if dec == "." || dec == ".." || strings.ContainsAny(dec, "/\\") {
			return fmt.Errorf("%w: segment %q", errBadPath, seg)
		}
	}
	return nil
}

// svcWriter replaces the immutable caching of /ipfs/ responses: what a
// friendly URL names changes with the registry.
type svcWriter struct {
	http.ResponseWriter
	release     string
	wroteHeader bool
}

func (w *svcWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		h := w.Header()
		h.Set("Cache-Control", svcCacheControl)
		h.Set("Svcreg-Release", w.release)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *svcWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *svcWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *svcWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// registryFor returns a read-only registry for name over the index's
// verified heads: the served one, or any other whose head the index holds
// (a followed registry). It wraps errNoRegistry for a name no registry
// can have.
func (s *Server) registryFor(name ipnsrec.Name) (*registry.Registry, error) {
	if name == s.registry && s.reg != nil {
		return s.reg, nil
	}
	if err := checkRegistryName(name); err != nil {
		return nil, fmt.Errorf("%w: %w", errNoRegistry, err)
	}
	return s.newRegistry(name)
}
