package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
)

// browsePrefix starts the pages of the registry browser:
// /browse/<registry>/ and /browse/<registry>/<service>/; /browse/ alone
// is the page at /.
const browsePrefix = "/browse/"

// maxBrowseServices bounds the services listed on one page.
const maxBrowseServices = 1000

// browseIndex is the page at GET / and /browse/: the registries this
// server serves.
type browseIndex struct {
	Registries []browseRegistry `json:"registries"`
}

// browseRegistry is one registry: its head, its services and, on its
// own page, its history.
type browseRegistry struct {
	Name      string          `json:"name"`
	URL       string          `json:"url"` // its page
	Seq       uint64          `json:"seq"`
	Root      string          `json:"root"`
	Expires   time.Time       `json:"expires"` // the record's end of life
	Live      bool            `json:"live"`    // the record is within its validity
	Services  []browseService `json:"services"`
	Truncated bool            `json:"truncated,omitempty"` // more services than listed
	History   []browseState   `json:"history,omitempty"`
}

// browseState is one entry of a registry's history (svcreg log).
type browseState struct {
	Seq    uint64    `json:"seq"`
	Root   string    `json:"root"`
	Time   time.Time `json:"time"`
	Change string    `json:"change"`
}

// browseService is one service: its latest version and tags and, on its
// own page, every version.
type browseService struct {
	Name     string            `json:"name"`
	URL      string            `json:"url"` // its page
	Latest   string            `json:"latest"`
	Open     string            `json:"open"` // the latest release in a browser, "" when none
	Tags     map[string]string `json:"tags"`
	Versions []browseVersion   `json:"versions,omitempty"`
}

// browseVersion is one release.
type browseVersion struct {
	Version    string    `json:"version"`
	CID        string    `json:"cid"`
	Size       uint64    `json:"size"`
	Published  time.Time `json:"published"`
	Yanked     bool      `json:"yanked"`
	YankReason string    `json:"yankReason"`
	Open       string    `json:"open"`  // the release in a browser (its own origin when configured)
	Files      string    `json:"files"` // the release's file listing
}

// serveBrowse answers GET / and /browse/…: HTML for browsers, JSON for
// Accept: application/json.
func (s *Server) serveBrowse(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, fmt.Errorf("%w: method %s", errBadPath, r.Method))
		return
	}
	page, err := s.browsePage(r)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Vary", "Accept")
	if wantsJSON(r) {
		writeJSON(w, page)
		return
	}
	s.writeHTML(w, page)
}

// browsePage builds the data of the page r asks for.
func (s *Server) browsePage(r *http.Request) (any, error) {
	ctx := r.Context()
	if r.URL.Path == "/" || r.URL.Path == browsePrefix {
		return s.browseIndex(ctx, r)
	}
	rest := strings.TrimPrefix(r.URL.Path, browsePrefix)
	rawName, svc, _ := strings.Cut(strings.TrimSuffix(rest, "/"), "/")
	name, err := parseName(rawName)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoRegistry, err)
	}
	reg, err := s.registryFor(name)
	if err != nil {
		return nil, err
	}
	if svc == "" {
		return s.browseRegistry(ctx, r, reg, name, true)
	}
	n, err := manifest.ParseName(svc)
	if err != nil {
		return nil, err
	}
	return s.browseService(ctx, r, reg, name, n, true)
}

// browseIndex lists the served registry first, then every other registry
// with a verified head in the index (those this home follows).
func (s *Server) browseIndex(ctx context.Context, r *http.Request) (browseIndex, error) {
	idx := browseIndex{Registries: []browseRegistry{}}
	names, err := s.heads.names(ctx)
	if err != nil {
		return idx, err
	}
	if s.registry != (ipnsrec.Name{}) {
		names = append([]ipnsrec.Name{s.registry}, slices.DeleteFunc(names, func(n ipnsrec.Name) bool { return n == s.registry })...)
	}
	for _, name := range names {
		reg, err := s.registryFor(name)
		if err != nil {
			continue // not a registry name this server reads
		}
		br, err := s.browseRegistry(ctx, r, reg, name, false)
		switch {
		case err == nil:
			idx.Registries = append(idx.Registries, br)
		case errors.Is(err, registry.ErrNoHead), errors.Is(err, ipns.ErrInvalidRecord):
			s.log.Info("browse: registry left out", "name", name.String(), "err", err) // nothing verified to show
		default:
			return idx, err
		}
	}
	return idx, nil
}

// browseRegistry describes the registry reg (named name); with history,
// its log.
func (s *Server) browseRegistry(ctx context.Context, r *http.Request, reg *registry.Registry, name ipnsrec.Name, history bool) (browseRegistry, error) {
	vh, err := s.heads.lookup(ctx, name)
	if err != nil {
		return browseRegistry{}, err
	}
	out := browseRegistry{
		Name: name.String(), URL: browsePrefix + name.String() + "/", Seq: vh.Seq, Root: vh.Root.String(),
		Expires: vh.Record.Validity.UTC(), Live: vh.live(s.now()), Services: []browseService{},
	}
	names, err := reg.Services(ctx)
	if err != nil {
		return out, err
	}
	if len(names) > maxBrowseServices {
		names, out.Truncated = names[:maxBrowseServices], true
	}
	for _, svc := range names {
		bs, err := s.browseService(ctx, r, reg, name, svc, false)
		if err != nil {
			return out, err
		}
		out.Services = append(out.Services, bs)
	}
	if history {
		log, err := reg.Log(ctx, 0)
		for _, e := range log {
			out.History = append(out.History, browseState{Seq: e.Seq, Root: e.Root.String(), Time: e.Time.UTC(), Change: e.Change})
		}
		if err != nil && len(log) == 0 {
			return out, err
		}
	}
	return out, nil
}

// browseService describes one service of reg (named regName); with
// versions, every release.
func (s *Server) browseService(ctx context.Context, r *http.Request, reg *registry.Registry, regName ipnsrec.Name, name manifest.Name, versions bool) (browseService, error) {
	load := reg.ServiceLatest // a list shows the latest only
	if versions {
		load = reg.Service
	}
	svc, err := load(ctx, name)
	if err != nil {
		return browseService{}, err
	}
	out := browseService{Name: string(name), URL: browsePrefix + regName.String() + "/" + url.PathEscape(string(name)) + "/", Tags: svc.Tags}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	vs := svc.Versions()
	if v, _, err := svc.Resolve(manifest.Spec{Name: name}); err == nil {
		out.Latest = v.String()
	} else if len(vs) > 0 {
		out.Latest = vs[len(vs)-1].String() // only prereleases or yanked ones
	}
	if out.Latest != "" {
		out.Open = s.openURL(r, regName, name, manifest.MustParseVersion(out.Latest), svc.Releases[out.Latest])
	}
	if !versions {
		return out, nil
	}
	for _, v := range slices.Backward(vs) {
		rel := svc.Releases[v.String()]
		bv := browseVersion{
			Version: v.String(), CID: rel.Content.String(), Size: rel.Size, Published: rel.Published.UTC(),
			Yanked: rel.Yanked(), Open: s.openURL(r, regName, name, v, rel), Files: "/ipfs/" + rel.Content.String() + "/",
		}
		if rel.Yank != nil {
			bv.YankReason = rel.Yank.Reason
		}
		out.Versions = append(out.Versions, bv)
	}
	return out, nil
}

// openURL is where a browser opens a release of the registry regName: its
// own origin when the request came to a subdomain host or a loopback
// address, else its friendly path (the served registry) or its content's
// /ipfs/ path (another one: its /ipns/ path depends on how deep that
// registry's trees are).
func (s *Server) openURL(r *http.Request, regName ipnsrec.Name, name manifest.Name, v manifest.Version, rel manifest.Release) string {
	if gw, ok := s.originGateway(r); ok {
		host, port := splitHost(gw)
		o, ok := releaseHost(name, v, regName, host)
		if !ok {
			o = contentHost(rel.Content, host)
		}
		if port != "" {
			o += ":" + port
		}
		return schemeOf(r) + "://" + o + "/"
	}
	if regName != s.registry {
		return "/ipfs/" + rel.Content.String() + "/"
	}
	return svcPrefix + url.PathEscape(string(name)) + "@" + url.PathEscape(v.String()) + "/"
}

// wantsJSON reports whether the client asked for JSON rather than HTML.
func wantsJSON(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.TrimSpace(mt) {
		case "application/json":
			return true
		case "text/html":
			return false
		}
	}
	return r.URL.Query().Get("format") == "json"
}
