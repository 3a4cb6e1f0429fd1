package kubo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// Imported is what dag/import reports.
type Imported struct {
	Blocks uint64
	Bytes  uint64
}

// Import sends a CAR stream to dag/import without pinning its roots.
func (c *Client) Import(ctx context.Context, car io.Reader) (Imported, error) {
	var out struct {
		Stats struct{ BlockCount, BlockBytesCount uint64 }
	}
	args := url.Values{"pin-roots": {"false"}, "stats": {"true"}}
	if err := c.call(ctx, "dag/import", args, newFileBody("registry.car", car), &out, false); err != nil {
		return Imported{}, err
	}
	return Imported{Blocks: out.Stats.BlockCount, Bytes: out.Stats.BlockBytesCount}, nil
}

// Pin pins root recursively under name. kubo checks that it holds the
// whole DAG.
func (c *Client) Pin(ctx context.Context, root cid.Cid, name string) error {
	args := url.Values{"arg": {root.String()}, "recursive": {"true"}}
	if name != "" {
		args.Set("name", name)
	}
	return c.call(ctx, "pin/add", args, nil, nil, false)
}

// PinDirect pins the block root alone (not what it links) under name.
func (c *Client) PinDirect(ctx context.Context, root cid.Cid, name string) error {
	args := url.Values{"arg": {root.String()}, "recursive": {"false"}}
	if name != "" {
		args.Set("name", name)
	}
	return c.call(ctx, "pin/add", args, nil, nil, false)
}

// UpdatePin moves a recursive pin from one root to another and unpins
// the old root; kubo walks only what differs.
func (c *Client) UpdatePin(ctx context.Context, from, to cid.Cid) error {
	args := url.Values{"arg": {from.String(), to.String()}, "unpin": {"true"}}
	return c.call(ctx, "pin/update", args, nil, nil, false)
}

// Pinned reports whether root is pinned recursively.
func (c *Client) Pinned(ctx context.Context, root cid.Cid) (bool, error) {
	args := url.Values{"arg": {root.String()}, "type": {"recursive"}}
	err := c.call(ctx, "pin/ls", args, nil, nil, true)
	switch {
	case err == nil:
		return true, nil
	case isError(err, "is not pinned"):
		return false, nil
	}
	return false, err
}

// Resolve returns the root the node serves for the IPNS name, resolved
// offline from its own records. It wraps registry.ErrRecordNotFound when
// the node has none. The answer is a hint: nothing checks it here.
func (c *Client) Resolve(ctx context.Context, name string) (cid.Cid, error) {
	var out struct{ Path string }
	args := url.Values{"arg": {"/ipns/" + name}, "offline": {"true"}, "nocache": {"true"}, "recursive": {"false"}}
	err := c.call(ctx, "name/resolve", args, nil, &out, true)
	if isError(err, "could not resolve name") || isError(err, "not found") {
		return cid.Undef, fmt.Errorf("kubo at %s: %w %s", c.base, registry.ErrRecordNotFound, name)
	} else if err != nil {
		return cid.Undef, err
	}
	s, ok := strings.CutPrefix(out.Path, "/ipfs/")
	if !ok {
		return cid.Undef, fmt.Errorf("kubo name/resolve %s: unexpected path %q", name, out.Path)
	}
	return cid.Decode(s)
}

// SeqError is returned by PutRecord when kubo holds a record for the name
// with a sequence at or above the new one (and other bytes).
type SeqError struct {
	Have, New uint64
}

func (e *SeqError) Error() string {
	return fmt.Sprintf("kubo holds a record with sequence %d, not below the new record's %d", e.Have, e.New)
}

// PutRecord stores the signed IPNS record rec for name (k51…) on the node
// with name/put and allow-offline: kubo validates it, keeps it, and
// publishes it when it is online. A sequence conflict is a *SeqError.
func (c *Client) PutRecord(ctx context.Context, name string, rec []byte) error {
	args := url.Values{"arg": {name}, "allow-offline": {"true"}}
	err := c.call(ctx, "name/put", args, newFileBody("record", bytes.NewReader(rec)), nil, true)
	var ke *Error
	if errors.As(err, &ke) {
		if i := strings.Index(ke.Message, "existing IPNS record has sequence"); i >= 0 {
			var se SeqError
			if _, serr := fmt.Sscanf(ke.Message[i:], "existing IPNS record has sequence %d >= new record sequence %d", &se.Have, &se.New); serr == nil {
				return &se
			}
		}
	}
	return err
}

// Block returns the bytes the node holds for c, from its own store only
// (offline). It wraps registry.ErrBlockNotFound when the node lacks it.
// The caller verifies the bytes.
func (c *Client) Block(ctx context.Context, k cid.Cid) ([]byte, error) {
	var buf bytes.Buffer
	args := url.Values{"arg": {k.String()}, "offline": {"true"}}
	err := c.call(ctx, "block/get", args, nil, &limitWriter{w: &buf, n: maxBlockSize}, true)
	if isError(err, "not found") || isError(err, "could not find") {
		return nil, fmt.Errorf("kubo at %s: %w: %s", c.base, registry.ErrBlockNotFound, k)
	}
	return buf.Bytes(), err
}
