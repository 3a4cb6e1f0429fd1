package ipns

import (
	"bytes"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
)

// seedKey returns the key generated from a 32-byte seed of b bytes.
func seedKey(t testing.TB, b byte) *Key {
	t.Helper()
	k, err := GenerateKey(bytes.NewReader(bytes.Repeat([]byte{b}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// rawCid returns the CIDv1 of the raw block s.
func rawCid(t testing.TB, s string) cid.Cid {
	t.Helper()
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
