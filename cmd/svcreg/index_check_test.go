package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"
	bbolt "go.etcd.io/bbolt"
)

// editCachedAnswers applies edit to every cached resolution in the index
// of home that holds the CID bytes of want, and returns how many it
// changed. It writes the file with bbolt alone, as a damaged disk or
// another user would, never through svcreg.
func editCachedAnswers(t *testing.T, home string, want cid.Cid, edit func(v []byte, at int) []byte) int {
	t.Helper()
	db, err := bbolt.Open(filepath.Join(home, indexFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	err = db.Update(func(tx *bbolt.Tx) error {
		res := tx.Bucket([]byte("resolutions"))
		return res.ForEachBucket(func(name []byte) error {
			b := res.Bucket(name)
			var keys, vals [][]byte
			b.ForEach(func(k, v []byte) error {
				if i := bytes.Index(v, want.Bytes()); i >= 0 {
					keys, vals = append(keys, bytes.Clone(k)), append(vals, edit(bytes.Clone(v), i))
				}
				return nil
			})
			for i := range keys {
				if err := b.Put(keys[i], vals[i]); err != nil {
					return err
				}
				n++
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestResolveRefusesDamagedCachedAnswer flips one bit of the CID in a
// cached answer: neither the warm path nor the full one prints it; resolve
// answers from the manifest, says so on stderr and stores the answer
// again, so that the next resolve is quiet and warm again.
func TestResolveRefusesDamagedCachedAnswer(t *testing.T) {
	home := warmHome(t)
	right := strings.TrimSpace(mustSvcreg(t, home, "resolve", "say@^1"))
	c, err := cid.Decode(right)
	if err != nil {
		t.Fatal(err)
	}
	flipped := editCachedAnswers(t, home, c, func(v []byte, at int) []byte {
		v[at+len(c.Bytes())-1] ^= 0x01 // the last byte of the digest
		return v
	})
	if flipped == 0 {
		t.Fatal("no cached answer to damage: the test proves nothing")
	}
	for _, warmOn := range []bool{true, false} {
		out, errOut, code := runWarm(t, home, warmOn, nil, "resolve", "say@^1")
		if code != 0 || strings.TrimSpace(out) != right {
			t.Fatalf("warm %v: resolve of a damaged answer = %d %q, want 0 %q (stderr %q)", warmOn, code, out, right, errOut)
		}
		if !strings.Contains(errOut, "svcreg: warning: index: cached answer for \"say@^1\"") ||
			!strings.Contains(errOut, "damaged (dropped); resolved from the manifest instead") {
			t.Fatalf("warm %v: stderr %q does not say the cached answer was dropped", warmOn, errOut)
		}
		// The answer is stored again: the next resolve is quiet.
		out, errOut, code = runWarm(t, home, true, nil, "resolve", "say@^1")
		if code != 0 || strings.TrimSpace(out) != right || errOut != "" {
			t.Fatalf("resolve after the repair = %d %q %q, want 0 %q and no warning", code, out, errOut, right)
		}
		editCachedAnswers(t, home, c, func(v []byte, at int) []byte {
			v[at+len(c.Bytes())-1] ^= 0x01
			return v
		})
	}
}

// TestResolveReadsUncheckedCachedAnswer: an index written before cached
// answers carried a check still works: such an answer is a miss, resolved
// again from the manifest (without a warning) and stored with its check.
func TestResolveReadsUncheckedCachedAnswer(t *testing.T) {
	home := warmHome(t)
	right := strings.TrimSpace(mustSvcreg(t, home, "resolve", "say"))
	c, err := cid.Decode(right)
	if err != nil {
		t.Fatal(err)
	}
	// Format 1: the same fields without the 32-byte check.
	old := editCachedAnswers(t, home, c, func(v []byte, at int) []byte {
		v = v[:at+len(c.Bytes())]
		v[0] = 1
		return v
	})
	if old == 0 {
		t.Fatal("no cached answer to rewrite: the test proves nothing")
	}
	for range 2 {
		out, errOut, code := runWarm(t, home, true, nil, "resolve", "say")
		if code != 0 || strings.TrimSpace(out) != right || errOut != "" {
			t.Fatalf("resolve with an old cached answer = %d %q %q, want 0 %q", code, out, errOut, right)
		}
	}
	rewritten := editCachedAnswers(t, home, c, func(v []byte, at int) []byte {
		if v[0] != 2 || len(v) != at+len(c.Bytes())+32 {
			t.Errorf("cached answer %x was not stored again with its check", v)
		}
		return v
	})
	if rewritten == 0 {
		t.Error("the answer was not cached again")
	}
}
