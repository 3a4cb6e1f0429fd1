package project_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/project"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// start is the fixture's clock: records are signed then, for a day.
var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fixture is a registry signed with a real IPNS key, in memory.
type fixture struct {
	reg   *registry.Registry
	index *registrytest.Index
	name  ipnsrec.Name
}

func newFixture(t testing.TB, releases ...string) *fixture {
	t.Helper()
	key, err := ipns.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{7}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{index: registrytest.NewIndex(), name: key.RegistryName()}
	blocks := registrytest.NewBlocks()
	clock := func() time.Time { return start }
	f.reg, err = registry.New(registry.Config{Blocks: blocks, Index: f.index, Now: clock,
		Signer: &ipns.Signer{Key: key, Lifetime: 24 * time.Hour, Now: clock}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := f.reg.Init(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range releases {
		n, v, err := manifest.ParseExact(s)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		if err := blocks.Put(ctx, c, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.reg.Publish(ctx, registry.Publication{Service: n, Version: v, Content: c, Size: uint64(len(s)), Profile: "unixfs-v1-2025"}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// names is a Resolver that knows one domain and takes k51… names as they
// are.
type names map[string]ipnsrec.Name

func (m names) Name(_ context.Context, s string) (ipnsrec.Name, error) {
	if n, ok := m[s]; ok {
		return n, nil
	}
	return ipns.ParseRegistryName(s)
}

// writeProject writes a project file naming registry into a new
// directory and returns its path.
func writeProject(t testing.TB, registry string, services string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), project.FileName)
	body := fmt.Sprintf(`{"registry": %q, "services": {%s}}`, registry, services)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustLoad(t testing.TB, path string, res project.Resolver) *project.Project {
	t.Helper()
	p, err := project.Load(context.Background(), path, "", res)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLockPathFor(t *testing.T) {
	for in, want := range map[string]string{
		"svcreg.json":        "svcreg.lock",
		"web/web.json":       filepath.Join("web", "web.lock"),
		"project":            "project.lock",
		".hidden":            ".hidden.lock",
		"a.b/svcreg.v2.json": filepath.Join("a.b", "svcreg.v2.lock"),
	} {
		if got := project.LockPathFor(in); got != want {
			t.Errorf("LockPathFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoad(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res := names{"reg.example.com": f.name}

	p := mustLoad(t, writeProject(t, "reg.example.com", `"web": "^1.0.0"`), res)
	if p.Domain != "reg.example.com" || p.Registry != f.name || p.Config.Registry != f.name.String() {
		t.Errorf("a domain: Domain %q, Registry %s, Config.Registry %s", p.Domain, p.Registry, p.Config.Registry)
	}
	if p.LockPath != filepath.Join(filepath.Dir(p.Path), project.LockFileName) {
		t.Errorf("LockPath = %s", p.LockPath)
	}
	if p := mustLoad(t, writeProject(t, f.name.String(), `"web": "^1.0.0"`), res); p.Domain != "" {
		t.Errorf("a k51… name: Domain %q", p.Domain)
	}

	pin := "bafyreifvphxhpegjqras64474c4lxyzle7za5qbqhv4hspitht4ezj5xz4"
	pinned := writeProject(t, f.name.String(), `"web": "^1.0.0"`)
	if err := os.WriteFile(pinned, []byte(`{"registry": "`+f.name.String()+`", "root": "`+pin+`"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if p := mustLoad(t, pinned, res); p.Config.Root.String() != pin {
		t.Errorf("a root pin: %v", p.Config.Root)
	}

	path := writeProject(t, f.name.String(), `"web": "^1.0.0"`)
	isNameError := func(err error) bool { return errors.As(err, new(*project.NameError)) }
	is := func(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }
	tests := []struct {
		name       string
		path, lock string
		want       func(error) bool
		wantMsg    string
	}{
		{"same file", path, path, is(project.ErrSameFile), "the lock file and the project file are both " + path},
		{"no file", path + ".nosuch", "", is(fs.ErrNotExist), "no such file"},
		{"unreadable", path + ".nosuch", "", is(project.ErrProjectUnreadable), "no such file"},
		{"invalid", writeProject(t, f.name.String(), `"web": "no range"`), "", is(manifest.ErrInvalidProject), project.FileName + ": "},
		{"bad registry", writeProject(t, "nosuch.example.com", `"web": "^1"`), "", isNameError, project.FileName + ": "},
		{"bad root pin", writeProject(t, f.name.String(), `"web": "^1"}, "root": "bafynot", "x": {"a": "1"`), "", is(manifest.ErrInvalidProject),
			project.FileName + `: invalid project file: line 1: root: "bafynot" is not a CID`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := project.Load(ctx, tt.path, tt.lock, res)
			if !tt.want(err) || !strings.Contains(fmt.Sprint(err), tt.wantMsg) {
				t.Errorf("Load: %v, want an error containing %q", err, tt.wantMsg)
			}
		})
	}
}
