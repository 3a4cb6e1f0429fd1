package trust_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// The numbers in test names are the cases of issue 20's "What must be
// shown" that this package can show on its own.

func TestVerifyRoot(t *testing.T) {
	r := newRoot(1, cid.Undef, keys("r1", "r2", "r3"), 2, keys("p1"), 1)
	if err := trust.VerifyRoot(signed(t, r, key("r1"), key("r3"))); err != nil {
		t.Fatalf("2 of 3: %v", err)
	}
	for name, sr := range map[string]*trust.SignedRoot{
		"one key":         signed(t, r, key("r2")),
		"one key twice":   signed(t, r, key("r2"), key("r2")),
		"a publish key":   signed(t, r, key("r1"), key("p1")),
		"an unknown key":  signed(t, r, key("r1"), key("x")),
		"no signature":    signed(t, r),
		"a corrupted sig": corrupt(signed(t, r, key("r1"), key("r2")), 1),
	} {
		if err := trust.VerifyRoot(sr); !errors.Is(err, trust.ErrThreshold) {
			t.Errorf("%s: %v, want ErrThreshold", name, err)
		}
	}
}

// corrupt flips a bit of signature i.
func corrupt(sr *trust.SignedRoot, i int) *trust.SignedRoot {
	s := bytes.Clone(sr.Signatures[i].Sig)
	s[0] ^= 1
	sr.Signatures[i].Sig = s
	return sr
}

// Case 2: a publish signature from a key the Root does not list; one key
// counted twice toward a threshold of 2.
func TestCase2ManifestPublishThreshold(t *testing.T) {
	r1 := newRoot(1, cid.Undef, keys("r1"), 1, keys("p1", "p2", "p3"), 2)
	rootCID := mustEncode(t, signed(t, r1, key("r1"))).CID
	cases := []struct {
		name    string
		signers []ed25519.PrivateKey
		want    error
	}{
		{"two of three", keys("p1", "p3"), nil},
		{"all three", keys("p3", "p2", "p1"), nil},
		{"one", keys("p2"), trust.ErrThreshold},
		{"one key twice", keys("p2", "p2"), trust.ErrThreshold},
		{"a key the root does not list", keys("p1", "stranger"), trust.ErrThreshold},
		{"a root key, not a publish key", keys("p1", "r1"), trust.ErrThreshold},
		{"the IPNS key's kind: no publish signature", nil, trust.ErrThreshold},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := testManifest(t, rootCID, tc.signers...)
			if err := trust.VerifyManifest(r1, rootCID, m); !errors.Is(err, tc.want) {
				t.Fatalf("VerifyManifest: %v, want %v", err, tc.want)
			}
			b, err := manifest.EncodeManifest(m.Unsigned())
			if err != nil {
				t.Fatal(err)
			}
			if err := trust.VerifyManifestSignatures(r1, b.Data, m.Signatures); !errors.Is(err, tc.want) {
				t.Fatalf("VerifyManifestSignatures: %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("a signature over another manifest", func(t *testing.T) {
		m := testManifest(t, rootCID, key("p1"), key("p2"))
		m.Change = "publish evil@1.0.0"
		if err := trust.VerifyManifest(r1, rootCID, m); !errors.Is(err, trust.ErrThreshold) {
			t.Fatalf("VerifyManifest: %v, want ErrThreshold", err)
		}
	})
	t.Run("a root signature replayed over a manifest", func(t *testing.T) {
		// A Root whose publish keys are its root keys, so only the domain
		// prefix tells the signatures apart.
		r := newRoot(1, cid.Undef, keys("k"), 1, keys("k"), 1)
		m := testManifest(t, rootCID)
		b, _ := manifest.EncodeManifest(m)
		forged := ed25519.Sign(key("k"), append([]byte(trust.DomainRoot), b.Data...))
		sigs := []trust.Signature{{KeyID: id(key("k")), Sig: forged}}
		if err := trust.VerifyManifestSignatures(r, b.Data, sigs); !errors.Is(err, trust.ErrThreshold) {
			t.Fatalf("VerifyManifestSignatures: %v, want ErrThreshold", err)
		}
	})
	t.Run("another registry", func(t *testing.T) {
		m := testManifest(t, rootCID, key("p1"), key("p2"))
		m.Registry = otherRegistry
		if err := trust.VerifyManifest(r1, rootCID, m); !errors.Is(err, trust.ErrWrongRegistry) {
			t.Fatalf("VerifyManifest: %v, want ErrWrongRegistry", err)
		}
	})
	t.Run("another root", func(t *testing.T) {
		m := testManifest(t, rootCID, key("p1"), key("p2"))
		other := mustEncode(t, signed(t, newRoot(1, cid.Undef, keys("r1"), 1, keys("p1", "p2"), 2), key("r1"))).CID
		if err := trust.VerifyManifest(r1, other, m); !errors.Is(err, trust.ErrWrongRoot) {
			t.Fatalf("VerifyManifest: %v, want ErrWrongRoot", err)
		}
	})
}

// Case 3: Root v2 signed by the old threshold only, the new only, a jump
// v1 → v3, a key revoked in v2 signing v3.
func TestCase3RootRotation(t *testing.T) {
	v1 := newRoot(1, cid.Undef, keys("a", "b", "c"), 2, keys("p1"), 1)
	v1cid := mustEncode(t, signed(t, v1, key("a"), key("b"))).CID
	// v2 revokes c and adds d and e.
	v2 := newRoot(2, v1cid, keys("a", "d", "e"), 2, keys("p1"), 1)
	good := signed(t, v2, key("a"), key("b"), key("d"))
	if err := trust.VerifyRootStep(v1, good); err != nil {
		t.Fatalf("v2 signed by a, b (old) and a, d (new): %v", err)
	}
	v2cid := mustEncode(t, good).CID
	v3 := newRoot(3, v2cid, keys("a", "c", "d"), 2, keys("p1"), 1) // c again

	cases := []struct {
		name    string
		trusted *trust.Root
		next    *trust.SignedRoot
		want    error
	}{
		{"v2 by the old threshold only", v1, signed(t, v2, key("b"), key("c")), trust.ErrThreshold},
		{"v2 by the new threshold only", v1, signed(t, v2, key("d"), key("e")), trust.ErrThreshold},
		{"v2 by one old and one new key", v1, signed(t, v2, key("b"), key("d")), trust.ErrThreshold},
		{"v2 by a twice and b", v1, signed(t, v2, key("a"), key("a"), key("b")), trust.ErrThreshold},
		{"a jump from v1 to v3", v1, signed(t, v3, key("a"), key("b"), key("c"), key("d")), trust.ErrRootVersion},
		{"v2 again after v2", v2, signed(t, v2, key("a"), key("d")), trust.ErrRootVersion},
		{"v3 counting c, revoked in v2", v2, signed(t, v3, key("a"), key("c")), trust.ErrThreshold},
		{"v3 by v2's keys", v2, signed(t, v3, key("a"), key("d")), nil},
		{"v2 of another registry", v1, func() *trust.SignedRoot {
			o := *v2
			o.Registry = otherRegistry
			return signed(t, &o, key("a"), key("b"), key("d"))
		}(), trust.ErrWrongRegistry},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := trust.VerifyRootStep(tc.trusted, tc.next); !errors.Is(err, tc.want) {
				t.Fatalf("VerifyRootStep: %v, want %v", err, tc.want)
			}
		})
	}

	t.Run("chain", func(t *testing.T) {
		v3s := signed(t, v3, key("a"), key("d"))
		got, err := trust.VerifyChain(v1, []*trust.SignedRoot{good, v3s}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(v3) {
			t.Fatalf("VerifyChain gave v%d", got.Version)
		}
		if _, err := trust.VerifyChain(v1, []*trust.SignedRoot{v3s}, t0); !errors.Is(err, trust.ErrRootVersion) {
			t.Fatalf("chain skipping v2: %v, want ErrRootVersion", err)
		}
		if _, err := trust.VerifyChain(v1, []*trust.SignedRoot{v3s, good}, t0); !errors.Is(err, trust.ErrRootVersion) {
			t.Fatalf("chain out of order: %v, want ErrRootVersion", err)
		}
	})
}

// Case 5 (at this level): an expired Root.
func TestCase5ExpiredRoot(t *testing.T) {
	v1 := newRoot(1, cid.Undef, keys("a"), 1, keys("p"), 1)
	v1.Expires = t0.Add(-time.Hour) // an expired Root may be the start of a chain
	v2 := newRoot(2, mustEncode(t, signed(t, v1, key("a"))).CID, keys("a"), 1, keys("p"), 1)
	chain := []*trust.SignedRoot{signed(t, v2, key("a"))}

	if _, err := trust.VerifyChain(v1, chain, t0); err != nil {
		t.Fatalf("fresh v2 after expired v1: %v", err)
	}
	for _, now := range []time.Time{v2.Expires, v2.Expires.Add(time.Second)} {
		if _, err := trust.VerifyChain(v1, chain, now); !errors.Is(err, trust.ErrRootExpired) {
			t.Fatalf("at %v: %v, want ErrRootExpired", now, err)
		}
	}
	if _, err := trust.VerifyChain(v1, nil, t0); !errors.Is(err, trust.ErrRootExpired) {
		t.Fatalf("expired trusted root, no newer one: %v, want ErrRootExpired", err)
	}
	if _, err := trust.VerifyChain(v2, nil, v2.Expires.Add(-time.Second)); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
}

// Case 7 (at this level): a 65 KiB Root, 33 signatures, a 257-step chain,
// each refused before anything is verified.
func TestCase7EndlessData(t *testing.T) {
	t.Run("65 KiB root", func(t *testing.T) {
		big := make([]byte, 65<<10)
		if _, err := trust.DecodeSignedRoot(big); !errors.Is(err, trust.ErrTooLarge) {
			t.Fatalf("DecodeSignedRoot: %v, want ErrTooLarge", err)
		}
		if _, err := trust.DecodeRoot(big); !errors.Is(err, trust.ErrTooLarge) {
			t.Fatalf("DecodeRoot: %v, want ErrTooLarge", err)
		}
		if _, err := trust.DecodeMoved(big); !errors.Is(err, trust.ErrTooLarge) {
			t.Fatalf("DecodeMoved: %v, want ErrTooLarge", err)
		}
		var many []ed25519.PrivateKey
		for i := range 700 { // about 100 bytes each
			many = append(many, key(string(rune('A'+i%26))+string(rune('0'+i))))
		}
		r := newRoot(1, cid.Undef, many, 1, keys("p"), 1)
		if _, err := trust.EncodeRoot(r); !errors.Is(err, trust.ErrTooLarge) {
			t.Fatalf("EncodeRoot of 700 keys: %v, want ErrTooLarge", err)
		}
	})

	t.Run("33 signatures", func(t *testing.T) {
		r := newRoot(1, cid.Undef, keys("a"), 1, keys("a"), 1)
		ss := make([]ed25519.PrivateKey, 33)
		for i := range ss {
			ss[i] = key("a")
		}
		sr := signed(t, r, ss...) // 33 valid signatures: the threshold is met
		if err := trust.VerifyRoot(sr); !errors.Is(err, trust.ErrTooManySignatures) {
			t.Fatalf("VerifyRoot: %v, want ErrTooManySignatures", err)
		}
		if err := trust.VerifyRootStep(r, sr); !errors.Is(err, trust.ErrTooManySignatures) {
			t.Fatalf("VerifyRootStep: %v, want ErrTooManySignatures", err)
		}
		if _, err := trust.EncodeSignedRoot(sr); !errors.Is(err, trust.ErrTooManySignatures) {
			t.Fatalf("EncodeSignedRoot: %v, want ErrTooManySignatures", err)
		}
		m := testManifest(t, cid.MustParse("bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua"), ss...)
		b, _ := manifest.EncodeManifest(m.Unsigned())
		if err := trust.VerifyManifestSignatures(r, b.Data, m.Signatures); !errors.Is(err, trust.ErrTooManySignatures) {
			t.Fatalf("VerifyManifestSignatures: %v, want ErrTooManySignatures", err)
		}

		// The encoding of 33 signatures: 32, and the last one again.
		enc32 := mustEncode(t, &trust.SignedRoot{Root: *r, Signatures: sr.Signatures[:32]}).Data
		enc31 := mustEncode(t, &trust.SignedRoot{Root: *r, Signatures: sr.Signatures[:31]}).Data
		last := enc32[len(enc31):]
		head := bytes.LastIndex(enc32[:len(enc32)-32*len(last)], []byte{0x98, 32})
		if head < 0 || head+2 != len(enc32)-32*len(last) {
			t.Fatalf("no 32-item array head before the signatures")
		}
		enc33 := append(bytes.Clone(enc32), last...)
		enc33[head+1] = 33
		if _, err := trust.DecodeSignedRoot(enc33); !errors.Is(err, trust.ErrTooManySignatures) {
			t.Fatalf("DecodeSignedRoot: %v, want ErrTooManySignatures", err)
		}
		// Refused before decoding: the rest need not even be a Root.
		junk := append([]byte{0xa2, 0x64, 'r', 'o', 'o', 't', 0x00, 0x6a}, "signatures"...)
		junk = append(junk, 0x98, 33)
		junk = append(junk, make([]byte, 33)...)
		for _, decode := range []func([]byte) error{
			func(b []byte) error { _, err := trust.DecodeSignedRoot(b); return err },
			func(b []byte) error { _, err := trust.DecodeMoved(b); return err },
		} {
			if err := decode(junk); !errors.Is(err, trust.ErrTooManySignatures) {
				t.Fatalf("decode of 33 zeros: %v, want ErrTooManySignatures", err)
			}
		}
	})

	t.Run("257-step chain", func(t *testing.T) {
		v1 := newRoot(1, cid.Undef, keys("a"), 1, keys("p"), 1)
		chain := rootChain(t, v1, trust.MaxChainSteps)
		got, err := trust.VerifyChain(v1, chain, t0)
		if err != nil {
			t.Fatalf("256 steps: %v", err)
		}
		if got.Version != trust.MaxChainSteps+1 {
			t.Fatalf("256 steps end at v%d", got.Version)
		}
		// One more step, and every signature of the chain broken: the
		// length alone refuses it.
		long := rootChain(t, v1, trust.MaxChainSteps+1)
		for _, sr := range long {
			sr.Signatures = nil
		}
		if _, err := trust.VerifyChain(v1, long, t0); !errors.Is(err, trust.ErrChainTooLong) {
			t.Fatalf("257 steps: %v, want ErrChainTooLong", err)
		}
	})
}

// rootChain returns n Roots after v1, each signed by key a.
func rootChain(t *testing.T, v1 *trust.Root, n int) []*trust.SignedRoot {
	t.Helper()
	prev := mustEncode(t, signed(t, v1, key("a"))).CID
	chain := make([]*trust.SignedRoot, n)
	for i := range chain {
		r := newRoot(uint64(i+2), prev, keys("a"), 1, keys("p"), 1)
		chain[i] = signed(t, r, key("a"))
		prev = mustEncode(t, chain[i]).CID
	}
	return chain
}

func TestMoved(t *testing.T) {
	// The Root of the new name.
	r := newRoot(1, cid.Undef, keys("a", "b"), 2, keys("p"), 1)
	r.Registry = otherRegistry
	rootCID := mustEncode(t, signed(t, r, key("a"), key("b"))).CID
	mv := &trust.Moved{From: testRegistry, To: otherRegistry, Root: rootCID}
	for _, k := range keys("a", "b") {
		s, err := trust.SignMoved(k, mv)
		if err != nil {
			t.Fatal(err)
		}
		mv.Signatures = append(mv.Signatures, s)
	}
	if err := trust.VerifyMovedSignatures(r, rootCID, mv); err != nil {
		t.Fatal(err)
	}
	one := *mv
	one.Signatures = mv.Signatures[:1]
	if err := trust.VerifyMovedSignatures(r, rootCID, &one); !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("one of two: %v, want ErrThreshold", err)
	}
	redirected := *mv
	redirected.To = "k51qzi5uqu5dthief"
	if err := trust.VerifyMovedSignatures(r, rootCID, &redirected); !errors.Is(err, trust.ErrWrongRegistry) {
		t.Fatalf("to another name: %v, want ErrWrongRegistry", err)
	}
	from := *mv
	from.From = "k51qzi5uqu5dother"
	if err := trust.VerifyMovedSignatures(r, rootCID, &from); !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("from another name: %v, want ErrThreshold", err)
	}
	if err := trust.VerifyMovedSignatures(r, mustEncode(t, signed(t, r, key("a"))).CID, mv); !errors.Is(err, trust.ErrWrongRoot) {
		t.Fatalf("another root block: %v, want ErrWrongRoot", err)
	}
}
