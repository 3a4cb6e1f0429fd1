package car

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/ipfs/go-cid"
	"github.com/ipld/go-ipld-prime/datamodel"
	"github.com/ipld/go-ipld-prime/linking"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	"github.com/ipld/go-ipld-prime/traversal"

	"github.com/svcreg/svcreg/registry"
)

// Reachable returns the CIDs of the DAG under root. The root and the
// blocks for which follow returns true are read and their links
// followed; other links are listed without being read. With follow
// accepting dag-cbor only, it lists a registry's manifest blocks and the
// roots of its releases' content, without reading the content.
func Reachable(ctx context.Context, src registry.Blocks, root cid.Cid, follow func(cid.Cid) bool) (map[cid.Cid]bool, error) {
	seen := map[cid.Cid]bool{}
	lsys := cidlink.DefaultLinkSystem()
	lsys.TrustedStorage = true
	lsys.StorageReadOpener = func(lc linking.LinkContext, l datamodel.Link) (io.Reader, error) {
		c := l.(cidlink.Link).Cid
		seen[c] = true
		if !c.Equals(root) && !follow(c) {
			return nil, traversal.SkipMe{}
		}
		data, err := src.Get(lc.Ctx, c)
		if err != nil {
			return nil, err
		}
		return bytes.NewReader(data), nil
	}
	if err := walk(ctx, &lsys, root); err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	return seen, nil
}
