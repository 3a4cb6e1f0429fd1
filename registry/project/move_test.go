package project_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/project"
)

const (
	oldName = "k51qzi5uqu5dkvlw96qo5an078oae3hglhzk1a81bijbifqli1l3qg3762f7bp"
	newName = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8"
)

var (
	pinned  = cid.MustParse("bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua")
	moveCID = cid.MustParse("bafyreiamwkryunfdxqsnxdknpordw37ypxahiwzl2xcvj7uk5oa7k4uazy")
)

// Follow rewrites svcreg.json for a verified move: the new registry, and
// a pinned root becomes the move's; a project naming its registry by a
// DNSLink domain is not rewritten.
func TestFollow(t *testing.T) {
	e := &registry.MovedError{From: oldName, To: newName, Root: moveCID, RootVersion: 2}
	for _, tc := range []struct {
		name   string
		root   cid.Cid
		domain string
	}{{"unpinned", cid.Undef, ""}, {"pinned", pinned, ""}, {"named by a domain", cid.Undef, "example.org"}} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "svcreg.json")
			cfg := &manifest.Project{Registry: oldName, Gateways: []string{"https://gw.example"}, Root: tc.root,
				Services: map[manifest.Name]manifest.Spec{"tts": mustSpec(t, "tts@^1.0.0")}}
			writeProjectFile(t, path, cfg)
			before, _ := os.ReadFile(path)
			p := &project.Project{Path: path, Config: cfg, Domain: tc.domain}
			err := p.Follow(e)
			after, _ := os.ReadFile(path)
			if tc.domain != "" {
				if !errors.Is(err, registry.ErrMoved) || string(after) != string(before) {
					t.Fatalf("Follow: %v; file\n%s", err, after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := manifest.DecodeProject(bytesReader(after))
			if err != nil {
				t.Fatal(err)
			}
			wantRoot := cid.Undef
			if tc.root.Defined() {
				wantRoot = moveCID
			}
			if got.Registry != newName || !got.Root.Equals(wantRoot) || len(got.Services) != 1 || len(got.Gateways) != 1 || cfg.Registry != oldName {
				t.Fatalf("after Follow: %+v (the loaded config: %s)", got, cfg.Registry)
			}
		})
	}
}

// MovedLock starts the new registry's lock from the old entries and the
// move's root, with no state of the new registry yet.
func TestMovedLock(t *testing.T) {
	e := &registry.MovedError{From: oldName, To: newName, Root: moveCID, RootVersion: 2}
	old := &project.LockFile{Path: "svcreg.lock", Data: []byte("{}"), Lock: &manifest.Lock{Registry: oldName, Root: pinned, Seq: 7,
		Services: map[manifest.Name]manifest.LockEntry{"tts": {Version: manifest.MustParseVersion("1.0.0"), CID: pinned}},
		Trust:    &manifest.LockTrust{Root: pinned, Version: 1}}}
	got := project.MovedLock(old, e)
	l := got.Lock
	if l.Registry != newName || l.Root.Defined() || l.Seq != 0 || len(l.Services) != 1 || !l.Trust.Root.Equals(moveCID) || l.Trust.Version != 2 || string(got.Data) != "{}" {
		t.Fatalf("MovedLock: %+v", l)
	}
	if old.Lock.Registry != oldName || old.Lock.Trust.Version != 1 {
		t.Fatal("MovedLock changed the old lock")
	}
	if l := project.MovedLock(nil, e).Lock; l.Registry != newName || len(l.Services) != 0 || l.Trust.Version != 2 {
		t.Fatalf("MovedLock(nil): %+v", l)
	}
}

// FollowMove rewrites the project for a verified move, loads it again
// with its lockfile's path kept, and starts the new lock from the old
// one's entries and the move's root; a project named by a domain stays.
func TestFollowMove(t *testing.T) {
	e := &registry.MovedError{From: oldName, To: newName, Root: moveCID, RootVersion: 2}
	path := writeProject(t, oldName, `"tts": "^1.0.0"`)
	lockPath := filepath.Join(filepath.Dir(path), "other.lock")
	p, err := project.Load(t.Context(), path, lockPath, names{})
	if err != nil {
		t.Fatal(err)
	}
	old := &project.LockFile{Path: lockPath, Data: []byte("{}"), Lock: &manifest.Lock{Registry: oldName,
		Services: map[manifest.Name]manifest.LockEntry{"tts": {Version: manifest.MustParseVersion("1.0.0"), CID: pinned}}}}
	np, start, err := p.FollowMove(t.Context(), e, old, names{})
	if err != nil {
		t.Fatal(err)
	}
	if np.Registry.String() != newName || np.Config.Registry != newName || np.Path != path || np.LockPath != lockPath {
		t.Fatalf("FollowMove: project %+v", np)
	}
	if l := project.LockOf(start); l.Registry != newName || len(l.Services) != 1 || !l.Trust.Root.Equals(moveCID) || start.Path != lockPath {
		t.Fatalf("FollowMove: lock %+v", l)
	}
	if project.LockOf(nil) != nil {
		t.Fatal("LockOf(nil) is not nil")
	}

	p.Domain = "example.org"
	if _, _, err := p.FollowMove(t.Context(), e, nil, names{}); !errors.Is(err, registry.ErrMoved) {
		t.Fatalf("FollowMove of a project named by a domain: %v", err)
	}
}

func mustSpec(t testing.TB, s string) manifest.Spec {
	t.Helper()
	sp, err := manifest.ParseSpec(s)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func writeProjectFile(t testing.TB, path string, cfg *manifest.Project) {
	t.Helper()
	var buf bytes.Buffer
	if err := manifest.EncodeProject(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
