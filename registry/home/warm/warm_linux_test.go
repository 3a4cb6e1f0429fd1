//go:build linux && (amd64 || arm64)

package warm

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/svcreg/svcreg/registry/bolt/peek"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// TestMain reads the arguments and the environment as Main does first
// in a process, for TestCmdline and TestGetenv.
func TestMain(m *testing.M) {
	if !loadProcess() {
		fmt.Fprintln(os.Stderr, "warm: could not read /proc/self/cmdline and /proc/self/environ")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func TestSums(t *testing.T) {
	for n := range 300 {
		b := make([]byte, n)
		rand.Read(b)
		var got256 [32]byte
		var got512 [64]byte
		sum256(&got256, b)
		sum512(&got512, b)
		if got, want := got256, sha256.Sum256(b); got != want {
			t.Fatalf("sum256 of %d bytes: %x, want %x", n, got, want)
		}
		if got, want := got512, sha512.Sum512(b); got != want {
			t.Fatalf("sum512 of %d bytes: %x, want %x", n, got, want)
		}
	}
}

func TestPublicKey(t *testing.T) {
	// RFC 8032, 7.1, test 1.
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	var got [32]byte
	if publicKey(&got, seed); hex.EncodeToString(got[:]) != "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a" {
		t.Fatalf("RFC 8032 test 1: %x", got)
	}
	seeds := [][]byte{make([]byte, 32), bytes.Repeat([]byte{0xff}, 32)}
	for range 200 {
		s := make([]byte, 32)
		rand.Read(s)
		seeds = append(seeds, s)
	}
	for _, s := range seeds {
		want := ed25519.NewKeyFromSeed(s).Public().(ed25519.PublicKey)
		if publicKey(&got, s); !bytes.Equal(got[:], want) {
			t.Fatalf("seed %x: %x, want %x", s, got, want)
		}
	}
}

func TestRegistryName(t *testing.T) {
	for range 50 {
		k, err := ipns.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		b, err := k.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		want, err := ipnsname.FromKeyFile(b)
		if err != nil {
			t.Fatal(err)
		}
		resetArena()
		if got, ok := registryName(b); !ok || got != want {
			t.Fatalf("registryName = %q, %v; want %s", got, ok, want)
		}
		bad := bytes.Clone(b)
		bad[len(bad)-1] ^= 1 // public half no longer the seed's
		if got, ok := registryName(bad); ok {
			t.Fatalf("a key whose halves disagree gave %s", got)
		}
		if _, err := ipnsname.FromKeyFile(bad); err == nil {
			t.Fatal("ipnsname accepts a key whose halves disagree")
		}
	}
	for _, b := range [][]byte{nil, {0x08, 0x00, 0x12, 0x40}, make([]byte, keyFileSize)} {
		if got, ok := registryName(b); ok {
			t.Fatalf("%x: %s", b, got)
		}
	}
}

func TestBase32(t *testing.T) {
	enc := base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	for n := range 80 {
		b := make([]byte, n)
		rand.Read(b)
		resetArena()
		got, ok := base32Lower(b, 'b')
		if want := "b" + enc.EncodeToString(b); !ok || string(got) != want {
			t.Fatalf("%x: %s, want %s", b, got, want)
		}
	}
}

func TestCmdline(t *testing.T) {
	if len(os.Args) > maxArgs {
		t.Skipf("%d arguments: the warm path reads at most %d", len(os.Args), maxArgs)
	}
	if got := argv[:nargs]; !slices.Equal(got, os.Args) {
		t.Fatalf("arguments read = %q; os.Args %q", got, os.Args)
	}
}

// TestHomeAndKeyRules checks homeSafe and readKeyFile against
// ipnsname.CheckHome and ipnsname.ReadKeyFile, whose rules they repeat.
func TestHomeAndKeyRules(t *testing.T) {
	k, _ := ipns.GenerateKey(rand.Reader)
	key, _ := k.Marshal()
	type setup func(t *testing.T, home string)
	chmod := func(name string, mode os.FileMode) setup {
		return func(t *testing.T, home string) {
			if err := os.Chmod(filepath.Join(home, name), mode); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := map[string]setup{
		"plain":        func(*testing.T, string) {},
		"home 0775":    chmod(".", 0o775),
		"home 0757":    chmod(".", 0o757),
		"blocks 0777":  chmod("blocks", 0o777),
		"key 0644":     chmod("key", 0o644),
		"key 0640":     chmod("key", 0o640),
		"key 0400":     chmod("key", 0o400),
		"index 0666":   chmod("index.db", 0o666),
		"missing home": func(t *testing.T, home string) { os.RemoveAll(home) },
		"link to 0777 dir": func(t *testing.T, home string) {
			d := t.TempDir()
			os.Chmod(d, 0o777)
			os.Symlink(d, filepath.Join(home, "l"))
		},
		"dangling link": func(t *testing.T, home string) { os.Symlink("/nonexistent", filepath.Join(home, "l")) },
		"key a directory": func(t *testing.T, home string) {
			os.Remove(filepath.Join(home, "key"))
			os.Mkdir(filepath.Join(home, "key"), 0o700)
		},
		"key long": func(t *testing.T, home string) {
			os.WriteFile(filepath.Join(home, "key"), append(bytes.Clone(key), 0), 0o600)
		},
	}
	for name, set := range cases {
		t.Run(name, func(t *testing.T) {
			home := filepath.Join(t.TempDir(), "home")
			os.Mkdir(home, 0o700)
			os.Mkdir(filepath.Join(home, "blocks"), 0o755)
			os.WriteFile(filepath.Join(home, "key"), key, 0o600)
			os.WriteFile(filepath.Join(home, "index.db"), nil, 0o644)
			set(t, home)
			resetArena()
			if got, want := homeSafe(home), ipnsname.CheckHome(home) == nil; got != want {
				t.Errorf("homeSafe = %v, CheckHome passes: %v", got, want)
			}
			wantKey, err := ipnsname.ReadKeyFile(filepath.Join(home, "key"))
			if err == nil {
				_, err = ipnsname.FromKeyFile(wantKey)
			}
			gotKey, ok := readKeyFile(home)
			if ok != (err == nil) || ok && !bytes.Equal(gotKey, wantKey) {
				t.Errorf("readKeyFile = %x, %v; ipnsname: %x, %v", gotKey, ok, wantKey, err)
			}
		})
	}
}

// The index format, as registry/bolt/internal/layout writes it.
func putField(b, f []byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(f))), f...)
}

func head(root string, seq uint64) []byte {
	b := putField([]byte{1}, []byte(root))
	b = binary.BigEndian.AppendUint64(b, seq)
	return putField(b, []byte("record"))
}

func cachedAnswer(name, key, service, version string, cid []byte) []byte {
	b := putField(putField(putField([]byte{2}, []byte(service)), []byte(version)), cid)
	in := putField(putField([]byte("svcreg resolution\x00"), []byte(name)), []byte(key))
	sum := sha256.Sum256(append(in, b...))
	return append(b, sum[:]...)
}

// testIndex writes an index with registries of 1 to 3000 cached answers
// (inline buckets, one leaf, branch pages), some without a check or with
// a wrong one, and returns its path and the queries to ask.
func testIndex(t *testing.T) (string, [][2]string) {
	path := filepath.Join(t.TempDir(), "index.db")
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var asks [][2]string
	err = db.Update(func(tx *bbolt.Tx) error {
		meta, _ := tx.CreateBucket([]byte("meta"))
		meta.Put([]byte("layout"), []byte{1})
		heads, _ := tx.CreateBucket([]byte("heads"))
		res, _ := tx.CreateBucket([]byte("resolutions"))
		for i, n := range []int{0, 1, 3, 40, 300, 3000} {
			name := fmt.Sprintf("k51registry%d", i)
			root := fmt.Sprintf("\x01\x71root%d", i)
			heads.Put([]byte(name), head(root, uint64(i)))
			b, _ := res.CreateBucket([]byte(name))
			for j := range n {
				q := fmt.Sprintf("svc%d@^%d", j%97, j)
				key := root + "\x00" + q
				cid := append([]byte{1, 0x55, 0x12, 0x20}, bytes.Repeat([]byte{byte(j)}, 32)...)
				v := cachedAnswer(name, key, "svc", "1.0.0", cid)
				switch j % 50 {
				case 7:
					v[len(v)-1] ^= 1 // check fails
				case 8:
					v[0] = 1 // unchecked (old format)
				case 9:
					b.Put([]byte(root+"\x00other"+q), v) // another head's key
					continue
				}
				b.Put([]byte(key), v)
				asks = append(asks, [2]string{name, q})
			}
			asks = append(asks, [2]string{name, "nosuch"}, [2]string{name, ""}, [2]string{name, "zzz"})
		}
		heads.Put([]byte("k51nohead"), nil)
		asks = append(asks, [2]string{"k51nohead", "x"}, [2]string{"k51none", "x"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return path, asks
}

// resolve is resolution for index path and query q (NAME or NAME@RANGE),
// the answer copied out of the arena.
func resolve(path, name, q string) (string, bool) {
	resetArena()
	p, _ := cstring(path, "")
	qname, qrange, _ := strings.Cut(q, "@")
	got, ok := resolution(p, name, qname, qrange)
	return string(got), ok
}

// TestResolutionMatchesPeek: the warm path's own reading of the index
// gives the answers registry/bolt/peek gives with bbolt.
func TestResolutionMatchesPeek(t *testing.T) {
	path, asks := testIndex(t)
	answered := 0
	for _, a := range asks {
		got, ok := resolve(path, a[0], a[1])
		want, wantOK := peek.Resolution(path, a[0], a[1], 20*time.Millisecond)
		if got != want.CID || ok != wantOK {
			t.Fatalf("%q: %q, %v; peek %q, %v", a, got, ok, want.CID, wantOK)
		}
		if ok {
			answered++
		}
	}
	if answered < 3000 {
		t.Fatalf("only %d answers", answered)
	}
	// A writer holds the index: no answer.
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, ok := resolve(path, asks[0][0], asks[0][1]); ok {
		t.Fatalf("answer %s while a writer holds the index", got)
	}
}

// TestResolutionCorrupt: a damaged index never crashes the warm path nor
// gives an answer other than the one the undamaged index holds.
func TestResolutionCorrupt(t *testing.T) {
	path, asks := testIndex(t)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]string{}
	for _, a := range asks {
		want[a], _ = resolve(path, a[0], a[1])
	}
	r := mrand.New(mrand.NewPCG(1, 2))
	for i := range 300 {
		b := bytes.Clone(orig)
		for range 1 + r.IntN(8) {
			b[r.IntN(len(b))] ^= byte(1 + r.IntN(255))
		}
		if i%10 == 0 {
			b = b[:r.IntN(len(b))]
		}
		p := filepath.Join(t.TempDir(), "index.db")
		os.WriteFile(p, b, 0o600)
		for j := 0; j < len(asks); j += 37 {
			a := asks[j]
			if got, ok := resolve(p, a[0], a[1]); ok && got != want[a] {
				t.Fatalf("damaged index: %q answers %s, want %q", a, got, want[a])
			}
		}
	}
}
