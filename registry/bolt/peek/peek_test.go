package peek_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
	bbolt "go.etcd.io/bbolt"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/bolt/peek"
)

func sum(s string, codec uint64) cid.Cid {
	c, err := cid.Prefix{Version: 1, Codec: codec, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte(s))
	if err != nil {
		panic(err)
	}
	return c
}

// writeIndex writes a head for name and one cached resolution of query
// with registry/bolt, and returns the file and the resolution.
func writeIndex(t *testing.T, name, query string) (string, registry.Resolution) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	c, err := bolt.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	root := sum("root", cid.DagCBOR)
	if err := c.SwapHead(ctx, 0, registry.Head{Name: name, Root: root, Seq: 3, Record: []byte("rec")}); err != nil {
		t.Fatal(err)
	}
	res := registry.Resolution{Service: "say", Version: manifest.MustParseVersion("1.2.3"), CID: sum("release", cid.DagProtobuf)}
	if err := c.PutResolution(ctx, name, root, query, res); err != nil {
		t.Fatal(err)
	}
	return path, res
}

func TestResolutionMatchesBolt(t *testing.T) {
	path, want := writeIndex(t, "k51name", "say@^1")
	got, ok := peek.Resolution(path, "k51name", "say@^1", time.Second)
	if !ok || got.Service != string(want.Service) || got.Version != want.Version.String() || got.CID != want.CID.String() {
		t.Fatalf("peek = %+v, %v; bolt wrote %+v", got, ok, want)
	}
	for _, q := range [][2]string{{"k51name", "say@^2"}, {"k51name", "say"}, {"other", "say@^1"}, {"", "say@^1"}} {
		if a, ok := peek.Resolution(path, q[0], q[1], time.Second); ok {
			t.Errorf("peek(%q, %q) = %+v, want no answer", q[0], q[1], a)
		}
	}
}

// TestNoAnswerOnDoubt: a missing, truncated or locked file gives no
// answer (and no crash), never a wrong one.
func TestNoAnswerOnDoubt(t *testing.T) {
	path, _ := writeIndex(t, "k51name", "say")
	if _, ok := peek.Resolution(filepath.Join(t.TempDir(), "none.db"), "k51name", "say", time.Second); ok {
		t.Error("answer from a missing file")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 100, 4096, len(b) - 1, len(b) / 2} {
		p := filepath.Join(t.TempDir(), "index.db")
		if err := os.WriteFile(p, b[:n], 0o600); err != nil {
			t.Fatal(err)
		}
		if a, ok := peek.Resolution(p, "k51name", "say", time.Second); ok && n != len(b) {
			// Half a file may still hold the answer intact; it must then be right.
			if a.Service != "say" {
				t.Errorf("truncated to %d: wrong answer %+v", n, a)
			}
		}
	}
	w, err := bolt.Open(path, nil) // a writer holds the lock
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// The writer holds the lock until the test ends: only the timeout can
	// end the peek. 30 s means it waits for the lock, not a slow machine.
	okc := make(chan bool, 1)
	go func() {
		_, ok := peek.Resolution(path, "k51name", "say", 20*time.Millisecond)
		okc <- ok
	}()
	select {
	case ok := <-okc:
		if ok {
			t.Error("answer while a writer holds the lock")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("hung: peek waited for a locked file past its timeout")
	}
}

// A file truncated below its last used page, though still whole pages and
// at least four of them, is never mapped: no answer, and no SIGBUS.
func TestNoAnswerFromTruncatedFile(t *testing.T) {
	path, _ := writeIndex(t, "k51name", "say@^1")
	c, err := bolt.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 { // grow the file past a few pages
		r := registry.Resolution{Service: "say", Version: manifest.MustParseVersion("1.2.3"), CID: sum("x", cid.Raw)}
		c.PutResolution(context.Background(), "k51name", sum("root", cid.DagCBOR), fmt.Sprintf("say@%d-%0100d", i, i), r)
	}
	c.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	page := int64(os.Getpagesize())
	for size := fi.Size() - page; size >= 4*page; size -= page {
		if err := os.Truncate(path, size); err != nil {
			t.Fatal(err)
		}
		if _, err := bolt.Open(path, &bolt.Options{ReadOnly: true, Timeout: -1}); err == nil {
			continue // still whole: its last pages were free
		}
		if a, ok := peek.Resolution(path, "k51name", "say@^1", time.Second); ok {
			t.Fatalf("truncated to %d bytes: peek answered %+v", size, a)
		}
		return
	}
	t.Fatal("no truncation made the file damaged: the test proved nothing")
}

// A cached answer with one bit flipped, or without a check (written by an
// older svcreg), is no answer: the full program decides.
func TestNoAnswerFromDamagedOrUnchecked(t *testing.T) {
	for _, tc := range []struct {
		desc string
		edit func(v []byte) []byte
	}{
		{"flipped", func(v []byte) []byte { v[len(v)-40] ^= 1; return v }},
		{"unchecked", func(v []byte) []byte { v[0] = 1; return v[:len(v)-32] }},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			path, _ := writeIndex(t, "k51name", "say@^1")
			db, err := bbolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = db.Update(func(tx *bbolt.Tx) error {
				b := tx.Bucket([]byte("resolutions")).Bucket([]byte("k51name"))
				k, v := b.Cursor().First()
				return b.Put(bytes.Clone(k), tc.edit(bytes.Clone(v)))
			})
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			if a, ok := peek.Resolution(path, "k51name", "say@^1", time.Second); ok {
				t.Errorf("peek answered %+v", a)
			}
		})
	}
}
