//go:build unix

package unixfs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipfs/go-cid"
)

// TestInPlaceFileShrinks: a mapped file cut short while its chunks are
// hashed ends the hash with ErrFileChanged, in both profiles, instead of
// killing the process with SIGBUS.
func TestInPlaceFileShrinks(t *testing.T) {
	for _, p := range profiles {
		prof, _ := settings(p)
		cs := int(prof.ChunkSize)
		path := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(path, make([]byte, 4*cs), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		m, unmap := mapFile(f, 4*int64(cs))
		if m == nil {
			t.Fatal("mapFile mapped nothing")
		}
		defer unmap()
		if err := os.Truncate(path, int64(cs)); err != nil {
			t.Fatal(err)
		}
		lh := newLeafHasher(inPlace(m), cs, prof.CidBuilder().(cid.Prefix), prof.RawLeaves, nil, nil)
		chunks := 0
		for ; chunks < 10 && err == nil; chunks++ {
			_, err = lh.NextBytes()
		}
		lh.close()
		if !errors.Is(err, ErrFileChanged) {
			t.Errorf("%s: NextBytes after %d chunks: %v, want %v", p, chunks, err, ErrFileChanged)
		}
	}
}

// TestRecoverFaultOnlyInMapping: a panic that is not a fault in the
// mapping (here a nil map write, whose address is 0) goes on.
func TestRecoverFaultOnlyInMapping(t *testing.T) {
	m := inPlace(make([]byte, 10))
	defer func() {
		if recover() == nil {
			t.Error("a panic outside the mapping was swallowed")
		}
	}()
	var err error
	func() {
		defer m.recoverFault(&err)
		var p *[4]byte
		_ = p[1] // nil dereference: a fault at a low address
	}()
	t.Errorf("the panic did not go on; err = %v", err)
}
