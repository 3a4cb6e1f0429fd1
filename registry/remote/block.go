package remote

import (
	"context"
	"fmt"
	"net/http"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// Block returns the bytes the gateway serves for c (?format=raw),
// unverified. It wraps registry.ErrBlockNotFound on a 404 or 410 and
// registry.ErrUnreachable when the gateway could not be asked.
func (g *Gateway) Block(ctx context.Context, c cid.Cid) ([]byte, error) {
	resp, err := g.get(ctx, "/ipfs/"+c.String()+"?format=raw", mediaRaw, 0)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := blockStatus(resp, c); err != nil {
		return nil, err
	}
	if t := mediaType(resp); t != mediaRaw {
		return nil, fmt.Errorf("GET %s: %w: %w: Content-Type %q, asked for %s", resp.Request.URL,
			registry.ErrUnreachable, ErrUnexpectedResponse, t, mediaRaw)
	}
	return readAll(resp, MaxBlockSize)
}

// blockStatus maps a non-200 response for block c to an error.
func blockStatus(resp *http.Response, c cid.Cid) error {
	switch resp.StatusCode {
	case http.StatusOK:
		return nil
	case http.StatusNotFound, http.StatusGone:
		return fmt.Errorf("%s: %w: %s", resp.Request.URL.Host, registry.ErrBlockNotFound, c)
	default:
		return fmt.Errorf("GET %s: %w: HTTP %s", resp.Request.URL, registry.ErrUnreachable, resp.Status)
	}
}
