package remote

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	_ "github.com/ipld/go-codec-dagpb" // decode UnixFS nodes for their links
	_ "github.com/ipld/go-ipld-prime/codec/dagcbor"
	_ "github.com/ipld/go-ipld-prime/codec/raw"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	"github.com/ipld/go-ipld-prime/multicodec"
	"github.com/ipld/go-ipld-prime/node/basicnode"
	"github.com/ipld/go-ipld-prime/traversal"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// DAG fetches the whole DAG under root as one CAR (?format=car,
// dag-scope=all, depth-first, no duplicates) and calls put for each block
// after checking it: its bytes hash to its CID, and it is root or a link
// of a block already received. It fails when the gateway sends anything
// else, or ends before every linked block arrived (wrapping
// registry.ErrBlockNotFound). Blocks already passed to put stay valid when
// DAG fails half-way.
func (g *Gateway) DAG(ctx context.Context, root cid.Cid, put func(c cid.Cid, data []byte) error) error {
	resp, err := g.get(ctx, "/ipfs/"+root.String()+"?format=car&dag-scope=all&car-order=dfs&car-dups=n",
		mediaCAR+"; version=1; order=dfs; dups=n", g.perByte)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := blockStatus(resp, root); err != nil {
		return err
	}
	if err := checkCARType(resp); err != nil {
		return err
	}
	if err := readDAG(resp.Body, root, put); err != nil {
		return fmt.Errorf("fetch %s as CAR from %s: %w", root, g.base, err)
	}
	return nil
}

// checkCARType refuses a response that is not a CARv1 as asked for.
func checkCARType(resp *http.Response) error {
	t, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || t != mediaCAR || (params["version"] != "" && params["version"] != "1") {
		return fmt.Errorf("GET %s: %w: %w: Content-Type %q, asked for %s; version=1", resp.Request.URL,
			registry.ErrUnreachable, ErrUnexpectedResponse, resp.Header.Get("Content-Type"), mediaCAR)
	}
	return nil
}

// carV2Pragma is the first 11 bytes of every CARv2 file.
var carV2Pragma = []byte{0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02}

// readDAG reads a CARv1 stream holding the DAG under root. Its size is
// bounded by the DAG: after a header of at most 64 KiB, every section
// must be a block of at most 2 MiB that is linked from the blocks before
// it and not yet received. A CARv2 is refused before its header is read,
// since its data may start anywhere (2^50 bytes in) after padding that
// no check can bound.
func readDAG(r io.Reader, root cid.Cid, put func(c cid.Cid, data []byte) error) error {
	body := &watchedBody{r: r}
	bufr := bufio.NewReader(body)
	if head, _ := bufr.Peek(len(carV2Pragma)); bytes.Equal(head, carV2Pragma) {
		return fmt.Errorf("%w: a CARv2 stream, asked for CARv1", ErrUnexpectedResponse)
	}
	br, err := carv2.NewBlockReader(bufr, carv2.WithTrustedCAR(true),
		carv2.MaxAllowedHeaderSize(64<<10), carv2.MaxAllowedSectionSize(MaxBlockSize+128))
	if err != nil {
		return wrapRead(err, body.err)
	}
	wanted := map[cid.Cid]bool{root: true} // true: wanted, false: received
	missing := 1
	for {
		blk, err := br.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return wrapRead(err, body.err)
		}
		c, data := blk.Cid(), blk.RawData()
		if want, ok := wanted[c]; !ok || !want {
			return fmt.Errorf("%w: unexpected block %s: not linked from the blocks before it", ErrInvalidData, c)
		}
		if err := manifest.CheckBlock(c, data); err != nil {
			return err
		}
		wanted[c] = false
		missing--
		links, err := links(c, data)
		if err != nil {
			return err
		}
		for _, l := range links {
			if _, seen := wanted[l]; !seen {
				wanted[l] = true
				missing++
			}
		}
		if err := put(c, data); err != nil {
			return err
		}
	}
	if missing > 0 {
		return fmt.Errorf("%w: the CAR ended with %d linked blocks missing", registry.ErrBlockNotFound, missing)
	}
	return nil
}

// wrapRead classes a failure to read a CAR: the network's when reading
// the body failed (ioErr) or it ended early, else the gateway's data's
// (ErrInvalidData: a header or section that does not parse).
func wrapRead(err, ioErr error) error {
	switch {
	case errors.Is(err, registry.ErrUnreachable):
		return err
	case ioErr != nil && errors.Is(ioErr, registry.ErrUnreachable):
		return fmt.Errorf("read CAR: %w", ioErr)
	case ioErr != nil:
		return fmt.Errorf("read CAR: %w: %w", registry.ErrUnreachable, ioErr)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: truncated CAR: %w", registry.ErrUnreachable, err)
	}
	return fmt.Errorf("read CAR: %w: %w", ErrInvalidData, err)
}

// watchedBody remembers the first error reading a response body gave
// other than io.EOF, so that a broken connection is never taken for
// malformed data whatever the CAR reader makes of it.
type watchedBody struct {
	r   io.Reader
	err error
}

func (w *watchedBody) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if err != nil && err != io.EOF && w.err == nil {
		w.err = err
	}
	return n, err
}

// links decodes a block with the codec its CID names and returns its links.
func links(c cid.Cid, data []byte) ([]cid.Cid, error) {
	dec, err := multicodec.LookupDecoder(c.Prefix().Codec)
	if err != nil {
		return nil, fmt.Errorf("block %s: %w", c, err)
	}
	nb := basicnode.Prototype.Any.NewBuilder()
	if err := dec(nb, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("decode block %s: %w", c, err)
	}
	ls, err := traversal.SelectLinks(nb.Build())
	if err != nil {
		return nil, fmt.Errorf("links of block %s: %w", c, err)
	}
	out := make([]cid.Cid, 0, len(ls))
	for _, l := range ls {
		cl, ok := l.(cidlink.Link)
		if !ok {
			return nil, fmt.Errorf("block %s: link %s is not a CID", c, l)
		}
		out = append(out, cl.Cid)
	}
	return out, nil
}
