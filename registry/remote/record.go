package remote

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/svcreg/svcreg/registry"
)

// Record returns the IPNS record the gateway holds for name (k51…),
// unverified. It asks the trustless gateway (/ipns/<name> with the
// ipns-record media type) and, when that gives no record, the delegated
// routing API (/routing/v1/ipns/<name>). It wraps
// registry.ErrRecordNotFound when the gateway says it has none (404, or
// kubo's "routing: not found") and registry.ErrUnreachable otherwise.
func (g *Gateway) Record(ctx context.Context, name string) ([]byte, error) {
	n := url.PathEscape(name)
	rec, gwStatus, err := g.record(ctx, "/ipns/"+n+"?format=ipns-record")
	if rec != nil || err != nil {
		return rec, err
	}
	rec, rtStatus, err := g.record(ctx, "/routing/v1/ipns/"+n)
	if rec != nil || err != nil {
		return rec, err
	}
	if gwStatus == http.StatusNotFound || rtStatus == http.StatusNotFound || rtStatus == http.StatusOK {
		return nil, fmt.Errorf("%s: %w %s", g.base, registry.ErrRecordNotFound, name)
	}
	return nil, fmt.Errorf("%s: record of %s: %w: HTTP %d from /ipns/, %d from /routing/v1/", g.base, name, registry.ErrUnreachable, gwStatus, rtStatus)
}

// record asks one endpoint. It returns the record, or the HTTP status when
// the answer was not a record (200 with another media type means "none"
// on /routing/v1), or an error when the gateway could not be asked.
func (g *Gateway) record(ctx context.Context, path string) ([]byte, int, error) {
	resp, err := g.get(ctx, path, mediaRecord, 0)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || mediaType(resp) != mediaRecord {
		return nil, resp.StatusCode, nil
	}
	b, err := readAll(resp, MaxRecordSize)
	if err != nil {
		return nil, 0, err
	}
	return b, resp.StatusCode, nil
}
