package ipns

import (
	"bytes"
	"crypto/rand"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	ipnspb "github.com/ipfs/boxo/ipns/pb"
	"github.com/ipfs/boxo/path"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"google.golang.org/protobuf/proto"
)

var update = flag.Bool("update", false, "rewrite testdata/record.bin")

func TestSignVerify(t *testing.T) {
	k := seedKey(t, 9)
	now := time.Now()
	s := &Signer{Key: k, Now: func() time.Time { return now }}
	root := rawCid(t, "manifest")
	raw, err := s.Sign(root, 42)
	if err != nil {
		t.Fatal(err)
	}

	got, err := Verify(k.Name(), raw, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != k.Name() || !got.Value.Equals(root) || got.Seq != 42 || got.TTL != DefaultTTL {
		t.Fatalf("Verify: %+v", got)
	}
	if d := got.Validity.Sub(now.Add(DefaultLifetime)); d < -time.Second || d > time.Second {
		t.Fatalf("validity %s, want about now+48h (%s)", got.Validity, now.Add(DefaultLifetime))
	}

	// The same record through boxo's accessors.
	rec, err := ipnsrec.UnmarshalRecord(raw)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := rec.Value(); err != nil || v.String() != path.FromCid(root).String() {
		t.Errorf("Value() = %v, %v", v, err)
	}
	if seq, err := rec.Sequence(); err != nil || seq != 42 {
		t.Errorf("Sequence() = %d, %v", seq, err)
	}
	if ttl, err := rec.TTL(); err != nil || ttl != DefaultTTL {
		t.Errorf("TTL() = %s, %v", ttl, err)
	}
	if _, err := rec.PubKey(); !errors.Is(err, ipnsrec.ErrPublicKeyNotFound) {
		t.Errorf("ed25519 record embeds its public key: %v", err)
	}
	var pb ipnspb.IpnsRecord
	if err := proto.Unmarshal(raw, &pb); err != nil {
		t.Fatal(err)
	}
	if len(pb.GetSignatureV2()) == 0 || len(pb.GetSignatureV1()) == 0 {
		t.Errorf("signatures: V2 %d bytes, V1 %d bytes; want both", len(pb.GetSignatureV2()), len(pb.GetSignatureV1()))
	}
	if string(pb.GetValue()) != path.FromCid(root).String() || pb.GetSequence() != 42 {
		t.Errorf("V1 fields: value %q seq %d", pb.GetValue(), pb.GetSequence())
	}

	// Every accepted name form verifies the record.
	for _, name := range []string{"/ipns/" + k.Name(), k.PeerID()} {
		if _, err := Verify(name, raw, now); err != nil {
			t.Errorf("Verify(%s): %v", name, err)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	k := seedKey(t, 10)
	now := time.Now()
	root := rawCid(t, "manifest")
	good, err := (&Signer{Key: k, Now: func() time.Time { return now }}).Sign(root, 1)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := (&Signer{Key: k, Lifetime: time.Minute, Now: func() time.Time { return now.Add(-time.Hour) }}).Sign(root, 1)
	if err != nil {
		t.Fatal(err)
	}
	record := func(p string) []byte {
		t.Helper()
		pp, err := path.NewPath(p)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := ipnsrec.NewRecord(k.PrivKey(), pp, 1, now.Add(time.Hour), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ipnsrec.MarshalRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	pb := new(ipnspb.IpnsRecord)
	if err := proto.Unmarshal(good, pb); err != nil {
		t.Fatal(err)
	}
	pb.SignatureV2[10] ^= 1
	badSig, _ := proto.Marshal(pb)
	pb.SignatureV2[10] ^= 1
	pb.Data = bytes.Replace(pb.Data, []byte("/ipfs/"), []byte("/ipfz/"), 1)
	badData, _ := proto.Marshal(pb)

	tests := []struct {
		desc string
		name string
		raw  []byte
		now  time.Time
		want error
	}{
		{"wrong name", seedKey(t, 11).Name(), good, now, ErrInvalidRecord},
		{"bad name", "not-a-name", good, now, ErrInvalidName},
		{"expired", k.Name(), expired, now, ErrExpiredRecord},
		{"expired at zero now (wall clock)", k.Name(), expired, time.Time{}, ErrExpiredRecord},
		{"valid record verified after its end of life", k.Name(), good, now.Add(DefaultLifetime + time.Second), ErrExpiredRecord},
		{"tampered signature", k.Name(), badSig, now, ErrInvalidRecord},
		{"tampered data", k.Name(), badData, now, ErrInvalidRecord},
		{"oversize", k.Name(), append(bytes.Clone(good), make([]byte, ipnsrec.MaxRecordSize)...), now, ErrInvalidRecord},
		{"garbage", k.Name(), []byte("hello"), now, ErrInvalidRecord},
		{"empty", k.Name(), nil, now, ErrInvalidRecord},
		{"ipns value", k.Name(), record("/ipns/" + k.Name()), now, ErrInvalidRecord},
		{"ipfs subpath value", k.Name(), record("/ipfs/" + root.String() + "/index.html"), now, ErrInvalidRecord},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if _, err := Verify(tt.name, tt.raw, tt.now); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}

	// An expired record is accepted at a time before its end of life.
	if _, err := Verify(k.Name(), expired, now.Add(-time.Hour)); err != nil {
		t.Fatalf("Verify of a then-valid record: %v", err)
	}
}

// TestTamperEveryByte flips each byte of a record in turn: Verify must
// either fail or return the original content (flips in the unverified V1
// signature, for instance, are harmless).
func TestTamperEveryByte(t *testing.T) {
	k := seedKey(t, 12)
	now := time.Now()
	root := rawCid(t, "manifest")
	raw, err := (&Signer{Key: k, Now: func() time.Time { return now }}).Sign(root, 3)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Verify(k.Name(), raw, now)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		b := bytes.Clone(raw)
		b[i] ^= 0x55
		got, err := Verify(k.Name(), b, now)
		if err == nil && (!got.Value.Equals(want.Value) || got.Seq != want.Seq || !got.Validity.Equal(want.Validity) || got.TTL != want.TTL) {
			t.Fatalf("flipping byte %d changed the verified content: %+v", i, got)
		}
	}
}

func TestParseName(t *testing.T) {
	const (
		k51  = "k51qzi5uqu5di4449zuks6ggk6glaq1qltcn7bvpuyi4q2e6w5bynsqvif5l3z"
		peer = "12D3KooWF2qZqWs6omtoj83tTdsnAjJ7GA2pwH814Xb7F4Kew1LJ"
		b32  = "bafzaajaiaejcatl4mixqrkhugslyhbonhq2l4ucrtinwaj33mtqvxout2o5fcyi7"
	)
	tests := []struct {
		in, want string
		ok       bool
	}{
		{k51, k51, true},
		{"/ipns/" + k51, k51, true},
		{peer, k51, true},
		{"/ipns/" + peer, k51, true},
		{b32, k51, true},
		{"", "", false},
		{"/ipns/", "", false},
		{"hello", "", false},
		{"/ipfs/" + k51, "", false},
		{k51 + "x", "", false},
		{"QmZw6xhmwyEi65dxU2dykmi2WGuKx8cNpitC5nNQRhthNJ", "", false},              // sha2-256 peer id: no inlined key
		{"bafybeie2wddha2t35l7b3iorm3ewpzhj5jendlet5a443z47c25d7czj3u", "", false}, // dag-pb content CID
		{secpPeerID(t), "", false},
	}
	for _, tt := range tests {
		got, err := ParseName(tt.in)
		if tt.ok && (err != nil || got != tt.want) {
			t.Errorf("ParseName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if !tt.ok && !errors.Is(err, ErrInvalidName) {
			t.Errorf("ParseName(%q) = %q, %v; want ErrInvalidName", tt.in, got, err)
		}
	}
}

// secpPeerID returns the peer ID of a new secp256k1 key, which inlines
// its public key but is not ed25519.
func secpPeerID(t *testing.T) string {
	t.Helper()
	_, pk, err := crypto.GenerateSecp256k1Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := peer.IDFromPublicKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	return pid.String()
}

// Golden record: see testdata/README.md.
var (
	goldenTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	goldenSeq  = uint64(7)
)

func TestGoldenRecord(t *testing.T) {
	k := seedKey(t, 0)
	root := rawCid(t, "svcreg golden root")
	s := &Signer{Key: k, Now: func() time.Time { return goldenTime }}
	raw, err := s.Sign(root, goldenSeq)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("testdata", "record.bin")
	if *update {
		if err := os.WriteFile(file, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, golden) {
		t.Fatalf("Sign no longer reproduces %s (%d bytes, got %d); if intended, rerun with -update", file, len(golden), len(raw))
	}
	got, err := Verify(k.Name(), golden, goldenTime)
	if err != nil {
		t.Fatal(err)
	}
	want := Record{Name: k.Name(), Value: root, Seq: goldenSeq, Validity: goldenTime.Add(DefaultLifetime), TTL: DefaultTTL}
	if got.Name != want.Name || !got.Value.Equals(want.Value) || got.Seq != want.Seq || !got.Validity.Equal(want.Validity) || got.TTL != want.TTL {
		t.Fatalf("Verify(golden) = %+v, want %+v", got, want)
	}
	if _, err := Verify(k.Name(), golden, want.Validity.Add(time.Nanosecond)); !errors.Is(err, ErrExpiredRecord) {
		t.Fatalf("golden record after its end of life: got %v, want ErrExpiredRecord", err)
	}
}

func FuzzVerify(f *testing.F) {
	k := seedKey(f, 0)
	golden, err := os.ReadFile(filepath.Join("testdata", "record.bin"))
	if err == nil {
		f.Add(golden)
	}
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x00})
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := Verify(k.Name(), raw, goldenTime)
		if err == nil && !r.Value.Defined() {
			t.Fatalf("accepted a record without a value: %+v", r)
		}
	})
}
