package trust

import (
	"github.com/ipfs/go-cid"
	"github.com/ipld/go-ipld-prime/datamodel"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
)

// The wire types mirror svcreg.ipldsch field by field, in order, as bindnode
// requires; the exported types convert at the codec boundary.

type wireRoot struct {
	Registry          string
	Version           int64
	Prev              *datamodel.Link
	Expires           int64
	MaxRecordLifetime int64
	Keys              wireKeys
	Roles             wireRoles
}

type wireKeys struct {
	Keys   []string
	Values map[string][]byte
}

type wireRoles struct {
	Keys   []string
	Values map[string]wireRole
}

type wireRole struct {
	KeyIDs    []string
	Threshold int64
}

type wireSignature struct {
	KeyID string
	Sig   []byte
}

type wireSignedRoot struct {
	Root       wireRoot
	Signatures []wireSignature
}

type wireMoved struct {
	From       string
	To         string
	Root       datamodel.Link
	Signatures *[]wireSignature
}

func link(c cid.Cid) datamodel.Link { return cidlink.Link{Cid: c} }

// unlink returns the CID of l, or cid.Undef for links that are not CIDs.
func unlink(l datamodel.Link) cid.Cid {
	if cl, ok := l.(cidlink.Link); ok {
		return cl.Cid
	}
	return cid.Undef
}

func wireSigs(sigs []Signature) []wireSignature {
	w := make([]wireSignature, len(sigs))
	for i, s := range sigs {
		w[i] = wireSignature(s)
	}
	return w
}

func sigsOf(w []wireSignature) []Signature {
	out := make([]Signature, len(w))
	for i, s := range w {
		out[i] = Signature(s)
	}
	return out
}
