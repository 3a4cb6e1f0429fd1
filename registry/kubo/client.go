package kubo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/svcreg/svcreg/internal/baseurl"
	"github.com/svcreg/svcreg/internal/neterr"
	"github.com/svcreg/svcreg/registry"
)

// DefaultTimeout bounds the short calls (resolve, pin/ls, name/put) when
// Options.Timeout is 0. Imports and pins take as long as they take.
const DefaultTimeout = 30 * time.Second

// Options configure New. A nil *Options means the zero value.
type Options struct {
	Client  *http.Client  // nil: http.DefaultClient
	Timeout time.Duration // for short calls; 0: DefaultTimeout
}

// Client talks to one kubo node's RPC API. It is safe for concurrent use.
type Client struct {
	base    string // scheme://host:port, no trailing slash
	client  *http.Client
	timeout time.Duration
}

// New returns a client for the RPC API at apiURL (http://127.0.0.1:5001).
func New(apiURL string, opts *Options) (*Client, error) {
	base, err := baseurl.Parse("kubo API", apiURL)
	if err != nil {
		return nil, err
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	c := &Client{base: base, client: o.Client, timeout: o.Timeout}
	if c.client == nil {
		c.client = http.DefaultClient
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	return c, nil
}

// String returns the API's base URL.
func (c *Client) String() string { return c.base }

// Error is an error kubo reported.
type Error struct {
	Command string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("kubo %s: %s", e.Command, e.Message) }

// call POSTs /api/v0/<cmd>?<args> with body (nil or a multipart file)
// and copies the answer to out when it is an io.Writer, else decodes it
// as JSON into out (when not nil). short calls are bounded by the
// client's timeout.
func (c *Client) call(ctx context.Context, cmd string, args url.Values, body *fileBody, out any, short bool) error {
	if short {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	u := c.base + "/api/v0/" + cmd + "?" + args.Encode()
	var r io.Reader
	if body != nil {
		r = body.r
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", body.contentType)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		if ctx.Err() != nil && !short {
			return ctx.Err()
		}
		return fmt.Errorf("kubo %s at %s: %w: %w", cmd, c.base, registry.ErrUnreachable, neterr.Brief(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return decodeError(cmd, resp)
	}
	switch out := out.(type) {
	case nil:
		_, err = io.Copy(io.Discard, resp.Body)
	case io.Writer:
		_, err = io.Copy(out, resp.Body)
	default:
		err = json.NewDecoder(resp.Body).Decode(out)
		io.Copy(io.Discard, resp.Body) // reach the trailer
	}
	if err != nil {
		return fmt.Errorf("kubo %s: read answer: %w", cmd, err)
	}
	if msg := resp.Trailer.Get("X-Stream-Error"); msg != "" {
		return &Error{Command: cmd, Message: msg}
	}
	return nil
}

// decodeError turns a non-200 RPC answer into an *Error.
func decodeError(cmd string, resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e struct{ Message string }
	if json.Unmarshal(b, &e) != nil || e.Message == "" {
		e.Message = strings.TrimSpace(resp.Status + " " + string(b))
	}
	if resp.StatusCode == http.StatusNotFound && strings.Contains(e.Message, "404 page not found") {
		return fmt.Errorf("kubo %s: %w: no such RPC endpoint (is this kubo's API port?)", cmd, registry.ErrUnreachable)
	}
	return &Error{Command: cmd, Message: e.Message}
}

// isError reports whether err is a kubo error whose message contains s.
func isError(err error, s string) bool {
	var e *Error
	return errors.As(err, &e) && strings.Contains(e.Message, s)
}

// maxBlockSize is the largest block Block reads: kubo's limit.
const maxBlockSize = 2 << 20

// limitWriter fails once more than n bytes were written.
type limitWriter struct {
	w io.Writer
	n int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, fmt.Errorf("block larger than %d bytes", maxBlockSize)
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}
