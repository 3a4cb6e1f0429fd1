package main

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/registry/remote"
)

// newLiar is a gateway that answers as good does, except that it sends
// data no valid answer can be: "bigrecord" a record one byte over the IPNS
// limit, "bigblock" raw blocks one byte over the block limit, "unlinked"
// CARs with a block no other block links, "garbage" CARs that are not CARs.
func newLiar(t testing.TB, good *testGateway, mode string) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		good.serve(rec, r)
		body := rec.Body.Bytes()
		ctype := rec.Header().Get("Content-Type")
		switch {
		case mode == "bigrecord" && strings.HasPrefix(ctype, "application/vnd.ipfs.ipns-record"):
			body = bytes.Repeat([]byte{0x0a}, remote.MaxRecordSize+1)
		case mode == "bigblock" && ctype == "application/vnd.ipld.raw":
			body = bytes.Repeat([]byte{'x'}, remote.MaxBlockSize+1)
		case mode == "unlinked" && strings.HasPrefix(ctype, "application/vnd.ipld.car"):
			body = withUnlinkedBlock(t, body)
		case mode == "garbage" && strings.HasPrefix(ctype, "application/vnd.ipld.car"):
			body = []byte("\xff\xff\xff\xff\x0fthis is not a CAR at all")
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

// withUnlinkedBlock inserts a valid raw block that nothing links right
// after the header of the CARv1 car.
func withUnlinkedBlock(t testing.TB, car []byte) []byte {
	hlen, n := binary.Uvarint(car)
	if n <= 0 {
		t.Fatalf("not a CAR: %x", car[:min(len(car), 16)])
	}
	data := []byte("nobody links me")
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum(data)
	if err != nil {
		t.Fatal(err)
	}
	sec := append(c.Bytes(), data...)
	end := n + int(hlen)
	out := append(bytes.Clone(car[:end]), binary.AppendUvarint(nil, uint64(len(sec)))...)
	out = append(out, sec...)
	return append(out, car[end:]...)
}

// TestGatewayBadDataIsIntegrity: data from a gateway that no valid answer
// can be — an oversized record or block, a CAR with an unlinked block, a
// CAR that does not parse — is an integrity error (exit 5), as a block
// that does not match its CID is, never a generic failure (exit 1).
func TestGatewayBadDataIsIntegrity(t *testing.T) {
	pub, name := publisher(t)
	good := newGateway(t, pub)
	for _, tc := range []struct {
		mode string
		args []string
		want string
	}{
		{"bigrecord", []string{"resolve", "tts"}, "larger than 10240 bytes"},
		{"bigblock", []string{"resolve", "tts"}, "larger than 2097152 bytes"},
		{"unlinked", []string{"get", "tts@1.0.0", "-o", "OUT"}, "not linked from the blocks before it"},
		{"garbage", []string{"get", "tts@1.0.0", "-o", "OUT"}, "read CAR"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			liar := newLiar(t, good, tc.mode)
			home := filepath.Join(t.TempDir(), "client")
			args := append([]string{}, tc.args...)
			for i, a := range args {
				if a == "OUT" {
					args[i] = filepath.Join(t.TempDir(), "out")
				}
			}
			fails(t, exitIntegrity, tc.want, home, append(args, "--registry", name, "--gateway", liar.URL)...)
		})
	}
}
