package follow

import (
	"bytes"
	"errors"

	"github.com/ipfs/go-cid"
	_ "github.com/ipld/go-ipld-prime/codec/dagcbor" // manifests, index and service blocks
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	"github.com/ipld/go-ipld-prime/multicodec"
	"github.com/ipld/go-ipld-prime/node/basicnode"
	"github.com/ipld/go-ipld-prime/traversal"
	"google.golang.org/protobuf/encoding/protowire"
)

// errBadNode is returned by links for a block it cannot read links from.
var errBadNode = errors.New("malformed node")

// links returns the CIDs a verified block links to: none for raw blocks,
// the links of a dag-pb node (UnixFS, read without decoding the node),
// and those of any other codec go-ipld-prime knows (dag-cbor: the
// registry's own blocks).
func links(c cid.Cid, data []byte) ([]cid.Cid, error) {
	switch c.Prefix().Codec {
	case cid.Raw:
		return nil, nil
	case cid.DagProtobuf:
		return pbLinks(data)
	}
	dec, err := multicodec.LookupDecoder(c.Prefix().Codec)
	if err != nil {
		return nil, err
	}
	nb := basicnode.Prototype.Any.NewBuilder()
	if err := dec(nb, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	ls, err := traversal.SelectLinks(nb.Build())
	if err != nil {
		return nil, err
	}
	out := make([]cid.Cid, 0, len(ls))
	for _, l := range ls {
		if cl, ok := l.(cidlink.Link); ok {
			out = append(out, cl.Cid)
		}
	}
	return out, nil
}

// pbLinks reads the Hash of every PBNode.Links entry (field 2; PBLink's
// Hash is field 1) of a dag-pb node.
func pbLinks(data []byte) ([]cid.Cid, error) {
	var out []cid.Cid
	for len(data) > 0 {
		num, typ, n := protowire.ConsumeTag(data)
		if n < 0 {
			return nil, errBadNode
		}
		data = data[n:]
		if num != 2 || typ != protowire.BytesType {
			if n = protowire.ConsumeFieldValue(num, typ, data); n < 0 {
				return nil, errBadNode
			}
			data = data[n:]
			continue
		}
		link, n := protowire.ConsumeBytes(data)
		if n < 0 {
			return nil, errBadNode
		}
		data = data[n:]
		c, err := pbHash(link)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// pbHash returns the Hash of a PBLink.
func pbHash(link []byte) (cid.Cid, error) {
	for len(link) > 0 {
		num, typ, n := protowire.ConsumeTag(link)
		if n < 0 {
			return cid.Undef, errBadNode
		}
		link = link[n:]
		if num == 1 && typ == protowire.BytesType {
			h, n := protowire.ConsumeBytes(link)
			if n < 0 {
				return cid.Undef, errBadNode
			}
			return cid.Cast(h)
		}
		if n = protowire.ConsumeFieldValue(num, typ, link); n < 0 {
			return cid.Undef, errBadNode
		}
		link = link[n:]
	}
	return cid.Undef, errBadNode
}
