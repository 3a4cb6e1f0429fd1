package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/svcreg/svcreg/registry"
)

// Options configure New. A nil *Options means the zero value.
type Options struct {
	// Timeout is how long a request may wait for the next byte of the
	// response (0: DefaultTimeout).
	Timeout time.Duration
	// Retries is how many times a request that failed fast is tried
	// again (0: DefaultRetries, negative: never).
	Retries int
	// Client makes the requests (nil: a client of the package's own, with
	// no overall time limit: Timeout applies between bytes).
	Client *http.Client
	// UserAgent is sent with every request when set.
	UserAgent string
}

// Gateway is a trustless HTTP gateway. It is safe for concurrent use.
type Gateway struct {
	base    string // scheme://host[/path], no trailing slash
	timeout time.Duration
	retries int
	client  *http.Client
	ua      string
}

var _ registry.Source = (*Gateway)(nil)

// defaultClient is shared so that connections are reused across gateways.
var defaultClient = &http.Client{Transport: http.DefaultTransport}

// New returns a client for the gateway at base, an http or https URL
// (with an optional path prefix, and no query).
func New(base string, opts *Options) (*Gateway, error) {
	u, err := ParseURL(base)
	if err != nil {
		return nil, err
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	g := &Gateway{base: u, timeout: o.Timeout, retries: o.Retries, client: o.Client, ua: o.UserAgent}
	if g.timeout <= 0 {
		g.timeout = DefaultTimeout
	}
	switch {
	case g.retries == 0:
		g.retries = DefaultRetries
	case g.retries < 0:
		g.retries = 0
	}
	if g.client == nil {
		g.client = defaultClient
	}
	return g, nil
}

// ParseURL checks that s is an http or https URL with a host and no query
// or fragment, and returns it without a trailing slash.
func ParseURL(s string) (string, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", fmt.Errorf("gateway URL %q: %w", s, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("gateway URL %q: scheme must be http or https", s)
	case u.Host == "":
		return "", fmt.Errorf("gateway URL %q: no host", s)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "", fmt.Errorf("gateway URL %q: must not have a query, fragment or user", s)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// String returns the gateway's base URL.
func (g *Gateway) String() string { return g.base }

// get sends GET base+path and returns the response unless it failed to
// arrive. Fast failures are retried; the error then wraps
// registry.ErrUnreachable.
func (g *Gateway) get(ctx context.Context, path, accept string) (*http.Response, error) {
	u := g.base + path
	backoff := retryBackoff
	for attempt := 0; ; attempt++ {
		resp, stalled, err := g.try(ctx, u, accept)
		switch {
		case err == nil && !retryable(resp.StatusCode):
			return resp, nil
		case err == nil:
			err = fmt.Errorf("HTTP %s", resp.Status)
			resp.Body.Close()
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case stalled:
			return nil, fmt.Errorf("GET %s: %w: no response within %s", u, registry.ErrUnreachable, g.timeout)
		}
		if attempt >= g.retries {
			return nil, fmt.Errorf("GET %s: %w: %w", u, registry.ErrUnreachable, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}

// retryable reports whether a status is worth another attempt.
func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// try makes one request. The request is cancelled when no byte arrives
// for g.timeout; stalled then reports it.
func (g *Gateway) try(ctx context.Context, u, accept string) (resp *http.Response, stalled bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	sb := &stallBody{timeout: g.timeout, cancel: cancel}
	sb.timer = time.AfterFunc(g.timeout, sb.stall)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		sb.Close()
		return nil, false, err
	}
	req.Header.Set("Accept", accept)
	if g.ua != "" {
		req.Header.Set("User-Agent", g.ua)
	}
	resp, err = g.client.Do(req)
	if err != nil {
		sb.Close()
		return nil, sb.stalled.Load(), err
	}
	sb.rc = resp.Body
	resp.Body = sb
	return resp, false, nil
}

// stallBody cancels its request when no byte arrives for timeout.
type stallBody struct {
	rc      io.ReadCloser
	timeout time.Duration
	timer   *time.Timer
	cancel  context.CancelFunc
	stalled atomic.Bool
}

func (s *stallBody) stall() {
	s.stalled.Store(true)
	s.cancel()
}

func (s *stallBody) Read(p []byte) (int, error) {
	n, err := s.rc.Read(p)
	if n > 0 {
		s.timer.Reset(s.timeout)
	}
	if err != nil && err != io.EOF && s.stalled.Load() {
		err = fmt.Errorf("%w: no data for %s", registry.ErrUnreachable, s.timeout)
	}
	return n, err
}

func (s *stallBody) Close() error {
	s.timer.Stop()
	s.cancel()
	if s.rc != nil {
		return s.rc.Close()
	}
	return nil
}

// readAll reads the body up to limit bytes; more is an error.
func readAll(resp *http.Response, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if !errors.Is(err, registry.ErrUnreachable) {
			err = fmt.Errorf("%w: %w", registry.ErrUnreachable, err)
		}
		return nil, fmt.Errorf("read %s: %w", resp.Request.URL, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("read %s: response larger than %d bytes", resp.Request.URL, limit)
	}
	return b, nil
}

// mediaType returns the media type of the response, without parameters.
func mediaType(resp *http.Response) string {
	t, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	return strings.ToLower(strings.TrimSpace(t))
}
