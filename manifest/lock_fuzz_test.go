package manifest_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/svcreg/svcreg/manifest"
)

// addJSONSeeds seeds f with the lockfile and project fixtures (each
// decoder also gets the other's files, which it must refuse cleanly) and
// a few mutations of each.
func addJSONSeeds(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join(lockDir, "*"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no fixtures in %s: %v", lockDir, err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
		f.Add(bytes.ReplaceAll(data, []byte("\n"), nil))
		f.Add(bytes.Replace(data, []byte(`"`), []byte(`"\u00`), 1))
		f.Add(bytes.Replace(data, []byte(": "), []byte(": -"), 3))
	}
	for _, s := range []string{"", "{}", "[]", "null", `{"registry": "k51a", "services": {"a": "1", "a": "2"}}`, `{"/": "x"}`,
		`{"registry": "k51a", "root": "bafyreifvphxhpegjqras64474c4lxyzle7za5qbqhv4hspitht4ezj5xz4"}`,
		`{"registry": "k51a", "root": "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"}`,
		`{"lockfileVersion": 2, "registry": "k51a", "root": {"/": "bafyreidbmm7bptwk747kdukmfcgtawpab5wsuhsacgcn56bdjwd6ny6wia"}, "seq": 1, "services": {}, ` +
			`"trust": {"root": {"/": "bafyreifvphxhpegjqras64474c4lxyzle7za5qbqhv4hspitht4ezj5xz4"}, "rootVersion": 0}}`,
		`{"lockfileVersion": 2, "trust": {"root": {"/": "x"}, "rootVersion": 1, "rootVersion": 2}}`,
		`{"lockfileVersion": 1, "lockfileVersion": 2}`,
	} {
		f.Add([]byte(s))
	}
}

// FuzzDecodeLock: DecodeLock never panics, fails only with ErrInvalidLock,
// and whatever it accepts encodes to a canonical form that decodes to the
// same lock and encodes to itself.
func FuzzDecodeLock(f *testing.F) {
	addJSONSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := manifest.DecodeLock(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, manifest.ErrInvalidLock) {
				t.Fatalf("error does not wrap ErrInvalidLock: %v", err)
			}
			return
		}
		var canon bytes.Buffer
		if err := manifest.EncodeLock(&canon, l); err != nil {
			t.Fatalf("decoded lock does not encode: %v\n%q", err, data)
		}
		back, err := manifest.DecodeLock(bytes.NewReader(canon.Bytes()))
		if err != nil {
			t.Fatalf("canonical form does not decode: %v\n%s", err, canon.Bytes())
		}
		if !back.Equal(l) {
			t.Fatalf("round trip changed the lock:\n in %q\nout %s", data, canon.Bytes())
		}
		var again bytes.Buffer
		if err := manifest.EncodeLock(&again, back); err != nil || !bytes.Equal(again.Bytes(), canon.Bytes()) {
			t.Fatalf("canonical form is not stable (%v):\n%s\n%s", err, canon.Bytes(), again.Bytes())
		}
	})
}

// FuzzDecodeProject: the same properties for svcreg.json.
func FuzzDecodeProject(f *testing.F) {
	addJSONSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := manifest.DecodeProject(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, manifest.ErrInvalidProject) {
				t.Fatalf("error does not wrap ErrInvalidProject: %v", err)
			}
			return
		}
		var canon bytes.Buffer
		if err := manifest.EncodeProject(&canon, p); err != nil {
			t.Fatalf("decoded project does not encode: %v\n%q", err, data)
		}
		back, err := manifest.DecodeProject(bytes.NewReader(canon.Bytes()))
		if err != nil {
			t.Fatalf("canonical form does not decode: %v\n%s", err, canon.Bytes())
		}
		var again bytes.Buffer
		if err := manifest.EncodeProject(&again, back); err != nil || !bytes.Equal(again.Bytes(), canon.Bytes()) {
			t.Fatalf("canonical form is not stable (%v):\n%s\n%s", err, canon.Bytes(), again.Bytes())
		}
		if back.Registry != p.Registry || len(back.Services) != len(p.Services) || len(back.Gateways) != len(p.Gateways) || !back.Root.Equals(p.Root) {
			t.Fatalf("round trip changed the project: %+v → %+v", p, back)
		}
		for n, sp := range p.Services {
			if back.Services[n].String() != sp.String() {
				t.Fatalf("round trip changed %s: %s → %s", n, sp, back.Services[n])
			}
		}
	})
}
