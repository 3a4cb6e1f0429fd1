package unixfs

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/ipfs/boxo/blockstore"
)

// keyFile is a libp2p protobuf ed25519 private key, as svcreg writes it.
func keyFile(seed byte) string {
	s := make([]byte, ed25519.SeedSize)
	s[0] = seed
	return string(append([]byte{0x08, 0x01, 0x12, 0x40}, ed25519.NewKeyFromSeed(s)...))
}

// ageKey returns a key file encrypted with a passphrase by age, as
// 'svcreg key new --passphrase-file' writes it (armored: as 'age -p -a').
func ageKey(t *testing.T, armored bool) string {
	t.Helper()
	r, err := age.NewScryptRecipient("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(10)
	var buf bytes.Buffer
	var out io.Writer = &buf
	var a io.WriteCloser
	if armored {
		a = armor.NewWriter(&buf)
		out = a
	}
	w, err := age.Encrypt(out, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, keyFile(9)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if a != nil {
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

// TestImportRefusesHomesAndKeys checks that a tree holding the home in
// use, any directory laid out as a svcreg home, or a private key file is
// refused before a single block is stored, naming each entry; and that
// leaving them out (dotfile rule, IgnoreFile, Exclude) gives the CID of
// the tree without them.
func TestImportRefusesHomesAndKeys(t *testing.T) {
	ctx := context.Background()
	clean := makeTree(t, map[string]string{"index.html": "hi", "assets/app.js": "js", "empty": "/"})
	want, err := Hash(ctx, clean, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		files map[string]string
		homes []string // relative to the tree
		want  []UnsafeEntry
		fix   Options // what leaves them out
	}{
		{
			name:  "active home",
			files: map[string]string{"state/blocks/SHARDING": "/repo/flatfs/shard/v1/next-to-last/2\n"},
			homes: []string{"state"},
			want:  []UnsafeEntry{{"state", UnsafeActiveHome}},
			fix:   Options{Exclude: []string{"/state/"}},
		},
		{
			name:  "home layout",
			files: map[string]string{"old/reg/index.db": "bolt", "old/reg/blocks": "/"},
			want:  []UnsafeEntry{{"old/reg", UnsafeHome}},
			fix:   Options{Exclude: []string{"old"}},
		},
		{
			name:  "key files",
			files: map[string]string{"registry.key": keyFile(1), "deep/er/node.key": keyFile(2), "not-a-key": keyFile(3)[:67] + "x"},
			want:  []UnsafeEntry{{"deep/er/node.key", UnsafeKey}, {"registry.key", UnsafeKey}},
			fix:   Options{Exclude: []string{"*.key", "!registry.key", "registry.key", "/deep/", "not-a-key"}},
		},
		{
			name:  "age passphrase-encrypted role keys",
			files: map[string]string{"keys/publish.key": ageKey(t, false), "root.key.asc": ageKey(t, true), "big.age": ageKey(t, false) + strings.Repeat("x", 1024)},
			want:  []UnsafeEntry{{"keys/publish.key", UnsafeKey}, {"root.key.asc", UnsafeKey}},
			fix:   Options{Exclude: []string{"/keys/", "*.asc", "big.age"}},
		},
		{
			name:  "the directory itself is a home",
			files: map[string]string{"index.db": "bolt", "heads": "/"},
			want:  []UnsafeEntry{{".", UnsafeHome}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"index.html": "hi", "assets/app.js": "js", "empty": "/"}
			for p, c := range tc.files {
				files[p] = c
			}
			dir := makeTree(t, files)
			var homes []string
			for _, h := range tc.homes {
				homes = append(homes, filepath.Join(dir, h))
			}
			bs := memBlockstore()
			_, err := Import(ctx, bs, dir, Options{Homes: homes})
			var ue *UnsafeTreeError
			if !errors.As(err, &ue) || !errors.Is(err, ErrUnsafeTree) {
				t.Fatalf("Import: %v, want an UnsafeTreeError", err)
			}
			if !slices.Equal(ue.Entries, tc.want) {
				t.Fatalf("entries %v, want %v", ue.Entries, tc.want)
			}
			if ue.Entries[0].Path != "." { // each entry's Exclude pattern leaves it out
				var ex []string
				for _, e := range ue.Entries {
					ex = append(ex, e.Exclude())
				}
				if _, err := Hash(ctx, dir, Options{Homes: homes, Exclude: ex}); err != nil {
					t.Fatalf("Hash with %v: %v", ex, err)
				}
			}
			if n := countBlocks(t, bs); n != 0 {
				t.Fatalf("%d blocks stored by a refused import", n)
			}
			if _, err := Hash(ctx, dir, Options{Homes: homes}); !errors.Is(err, ErrUnsafeTree) {
				t.Fatalf("Hash: %v, want ErrUnsafeTree", err)
			}
			if tc.fix.Exclude == nil {
				return
			}
			fix := tc.fix
			fix.Homes = homes
			got, err := Hash(ctx, dir, fix)
			if err != nil {
				t.Fatalf("Hash with %v: %v", fix.Exclude, err)
			}
			if got != want {
				t.Fatalf("with the entries left out: %v, want the clean tree's %v", got, want)
			}
		})
	}
	// A dotted home is left out with the other dotfiles, unless Hidden.
	dir := makeTree(t, map[string]string{"index.html": "hi", "assets/app.js": "js", "empty": "/", ".svcreg/key": keyFile(4)})
	if got, err := Hash(ctx, dir, Options{}); err != nil || got != want {
		t.Fatalf("dotted home left out: %v, %v; want %v", got, err, want)
	}
	if _, err := Hash(ctx, dir, Options{Hidden: true}); !errors.Is(err, ErrUnsafeTree) {
		t.Fatalf("with Hidden: %v, want ErrUnsafeTree", err)
	}
}

func countBlocks(t *testing.T, bs blockstore.Blockstore) int {
	t.Helper()
	ch, err := bs.AllKeysChan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range ch {
		n++
	}
	return n
}
