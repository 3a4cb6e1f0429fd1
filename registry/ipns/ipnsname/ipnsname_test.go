package ipnsname_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// TestMatchesIPNS checks the derivation against the libp2p-based one.
func TestMatchesIPNS(t *testing.T) {
	for range 50 {
		k, err := ipns.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		b, err := k.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		got, err := ipnsname.FromKeyFile(b)
		if err != nil {
			t.Fatal(err)
		}
		if got != k.Name() {
			t.Fatalf("FromKeyFile = %s, ipns.Key.Name = %s", got, k.Name())
		}
	}
}

func TestRejects(t *testing.T) {
	k, _ := ipns.GenerateKey(rand.Reader)
	good, _ := k.Marshal()
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 1 // public half no longer matches the seed
	for name, b := range map[string][]byte{"empty": nil, "short": good[:10], "mismatch": bad, "rsa": {0x08, 0x00, 0x12, 0x40}} {
		if _, err := ipnsname.FromKeyFile(b); !errors.Is(err, ipnsname.ErrUnsupported) {
			t.Errorf("%s: %v, want ErrUnsupported", name, err)
		}
	}
}

func FuzzFromKeyFile(f *testing.F) {
	k, _ := ipns.GenerateKey(rand.Reader)
	good, _ := k.Marshal()
	f.Add(good)
	f.Add([]byte{0x08, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		name, err := ipnsname.FromKeyFile(b)
		if err != nil {
			return
		}
		k, err := ipns.ParseKey(b)
		if err != nil || k.Name() != name {
			t.Fatalf("ipnsname accepted a key ipns rejects or names differently: %v", err)
		}
	})
}
