package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/svcreg/svcreg/internal/baseurl"
	"github.com/svcreg/svcreg/internal/neterr"
	"github.com/svcreg/svcreg/registry"
)

// Options configure New. A nil *Options means the zero value.
type Options struct {
	// Timeout is how long a request may take as a whole, headers and
	// body (0: DefaultTimeout); a CAR also gets MinRate's time for every
	// byte it delivers.
	Timeout time.Duration
	// MinRate is the slowest rate, in bytes per second, at which a CAR
	// may arrive once Timeout has passed (0: DefaultMinRate).
	MinRate int64
	// Retries is how many times a request that failed fast is tried
	// again (0: DefaultRetries, negative: never).
	Retries int
	// Client makes the requests (nil: a client of the package's own; the
	// deadlines above apply either way).
	Client *http.Client
	// UserAgent is sent with every request when set.
	UserAgent string
}

// Gateway is a trustless HTTP gateway. It is safe for concurrent use.
type Gateway struct {
	base    string // scheme://host[/path], no trailing slash
	timeout time.Duration
	perByte time.Duration // for CARs: the time MinRate allows one byte
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
	rate := o.MinRate
	if rate <= 0 {
		rate = DefaultMinRate
	}
	g.perByte = max(time.Second/time.Duration(rate), 1)
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

// ParseURL checks s by the rule every base URL follows (internal/baseurl:
// http or https written out, a host, no query, fragment or user) and
// returns it without a trailing slash.
func ParseURL(s string) (string, error) { return baseurl.Parse("gateway", s) }

// String returns the gateway's base URL.
func (g *Gateway) String() string { return g.base }

// get sends GET base+path and returns the response unless it failed to
// arrive. The whole request, headers and body, must be done within
// g.timeout (an overall deadline, not an idle timer) plus, when perByte is
// set, perByte for every byte received: a body that trickles in slower
// than that is cut off. Fast failures are retried; the error then wraps
// registry.ErrUnreachable.
func (g *Gateway) get(ctx context.Context, path, accept string, perByte time.Duration) (*http.Response, error) {
	u := g.base + path
	backoff := retryBackoff
	for attempt := 0; ; attempt++ {
		resp, expired, err := g.try(ctx, u, accept, perByte)
		switch {
		case err == nil && !retryable(resp.StatusCode):
			return resp, nil
		case err == nil:
			err = fmt.Errorf("HTTP %s", resp.Status)
			resp.Body.Close()
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case expired:
			return nil, fmt.Errorf("GET %s: %w: no response within %s", u, registry.ErrUnreachable, g.timeout)
		}
		if attempt >= g.retries {
			return nil, fmt.Errorf("GET %s: %w: %w", u, registry.ErrUnreachable, neterr.Brief(err))
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

// try makes one request under a deadline (see get); expired reports that
// the deadline cancelled it.
func (g *Gateway) try(ctx context.Context, u, accept string, perByte time.Duration) (resp *http.Response, expired bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	db := &deadlineBody{start: time.Now(), base: g.timeout, perByte: perByte, cancel: cancel}
	db.timer = time.AfterFunc(g.timeout, db.expire)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		db.Close()
		return nil, false, err
	}
	req.Header.Set("Accept", accept)
	if g.ua != "" {
		req.Header.Set("User-Agent", g.ua)
	}
	resp, err = g.client.Do(req)
	if err != nil {
		db.Close()
		return nil, db.expired.Load(), err
	}
	db.rc = resp.Body
	resp.Body = db
	return resp, false, nil
}

// deadlineBody cancels its request at start+base, a deadline that each
// byte received pushes perByte further (never when perByte is 0).
type deadlineBody struct {
	rc      io.ReadCloser
	start   time.Time
	base    time.Duration
	perByte time.Duration
	n       int64 // bytes received
	timer   *time.Timer
	cancel  context.CancelFunc
	expired atomic.Bool
}

func (d *deadlineBody) expire() {
	d.expired.Store(true)
	d.cancel()
}

func (d *deadlineBody) Read(p []byte) (int, error) {
	n, err := d.rc.Read(p)
	if n > 0 && d.perByte > 0 {
		d.n += int64(n)
		left := time.Until(d.start.Add(d.base + time.Duration(d.n)*d.perByte))
		if left > 0 && !d.expired.Load() {
			d.timer.Reset(left)
		}
	}
	if err != nil && err != io.EOF && d.expired.Load() {
		err = fmt.Errorf("%w: no complete response within its deadline (%s)", registry.ErrUnreachable, d.allowed())
	}
	return n, err
}

// allowed returns how long the request was allowed to take.
func (d *deadlineBody) allowed() time.Duration {
	return (d.base + time.Duration(d.n)*d.perByte).Round(time.Millisecond)
}

func (d *deadlineBody) Close() error {
	d.timer.Stop()
	d.cancel()
	if d.rc != nil {
		return d.rc.Close()
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
		return nil, fmt.Errorf("read %s: %w: response larger than %d bytes", resp.Request.URL, ErrInvalidData, limit)
	}
	return b, nil
}

// mediaType returns the media type of the response, without parameters.
func mediaType(resp *http.Response) string {
	t, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	return strings.ToLower(strings.TrimSpace(t))
}
