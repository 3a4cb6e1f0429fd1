package project_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/project"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// release imports a directory with files into bs and returns its root
// and size.
func release(t *testing.T, bs blockstore.Blockstore, files map[string]string) (cid.Cid, uint64) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := unixfs.Import(context.Background(), bs, dir, unixfs.Options{Profile: unixfs.ProfileV1})
	if err != nil {
		t.Fatal(err)
	}
	return res.Root, res.Size
}

// TestInstall: every locked release is written to DIR/NAME, in name
// order; a release over the size limit or one that cannot be made local
// leaves DIR untouched.
func TestInstall(t *testing.T) {
	ctx := context.Background()
	bs := unixfs.NewMemoryBlockstore()
	web, webSize := release(t, bs, map[string]string{"index.html": "<p>web</p>"})
	api, apiSize := release(t, bs, map[string]string{"api.js": "export {}"})
	l := &manifest.Lock{Services: map[manifest.Name]manifest.LockEntry{
		"web": {Version: manifest.MustParseVersion("1.0.0"), CID: web, Size: webSize},
		"api": {Version: manifest.MustParseVersion("2.1.0"), CID: api, Size: apiSize},
	}}
	dir := filepath.Join(t.TempDir(), "services")
	var made []cid.Cid
	var total uint64
	out, err := project.Install(ctx, bs, l, dir, project.InstallOptions{
		Local:    func(_ context.Context, c cid.Cid) error { made = append(made, c); return nil },
		Progress: func(n uint64) unixfs.ExportProgress { total = n; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Service != "api" || out[1].Service != "web" || out[1].Path != filepath.Join(dir, "web") || len(made) != 2 {
		t.Fatalf("Install = %+v (made local %v)", out, made)
	}
	if total != webSize+apiSize {
		t.Errorf("progress total %d, want %d", total, webSize+apiSize)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "web", "index.html")); err != nil || string(b) != "<p>web</p>" {
		t.Errorf("web/index.html = %q, %v", b, err)
	}
	j, err := json.Marshal(out[0])
	if want := `{"service":"api","version":"2.1.0","cid":"` + api.String() + `","path":"` + filepath.Join(dir, "api") + `"}`; err != nil || string(j) != want {
		t.Errorf("JSON = %s, %v; want %s", j, err, want)
	}

	other := filepath.Join(t.TempDir(), "services")
	_, err = project.Install(ctx, bs, l, other, project.InstallOptions{Limits: unixfs.Limits{MaxSize: 1}})
	if !errors.Is(err, unixfs.ErrTooLarge) {
		t.Errorf("over the limit: %v, want ErrTooLarge", err)
	}
	_, err = project.Install(ctx, bs, l, other, project.InstallOptions{
		Local: func(context.Context, cid.Cid) error { return registry.ErrBlockNotFound }})
	var le *project.LocalError
	if !errors.As(err, &le) || le.Service != "api" || !errors.Is(err, registry.ErrBlockNotFound) {
		t.Errorf("content not local: %v, want a *LocalError for api", err)
	}
	if _, err := os.Stat(other); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists after failed installs: %v", other, err)
	}
}

// TestVerify: a directory that rebuilds the release is identical; one
// that differs lists the paths, or why they cannot be listed.
func TestVerify(t *testing.T) {
	ctx := context.Background()
	bs := unixfs.NewMemoryBlockstore()
	files := map[string]string{"index.html": "<p>web</p>", "app.js": "run()"}
	root, size := release(t, bs, files)
	info := registry.ReleaseInfo{Service: "web", Version: manifest.MustParseVersion("1.0.0"),
		Release: manifest.Release{Content: root, Size: size, Profile: unixfs.ProfileV1}}
	local := func(context.Context, cid.Cid) (blockstore.Blockstore, error) { return bs, nil }

	same := t.TempDir()
	for name, data := range files {
		os.WriteFile(filepath.Join(same, name), []byte(data), 0o644)
	}
	v, err := project.Verify(ctx, info, same, unixfs.Options{}, local)
	if err != nil || !v.Identical() || len(v.Changes) != 0 {
		t.Fatalf("Verify(same) = %+v, %v", v, err)
	}

	os.WriteFile(filepath.Join(same, "app.js"), []byte("run(2)"), 0o644)
	v, err = project.Verify(ctx, info, same, unixfs.Options{}, local)
	if err != nil || v.Identical() || len(v.Changes) != 1 || v.Changes[0].Path != "app.js" || v.Changes[0].Kind != unixfs.Modified {
		t.Fatalf("Verify(modified) = %+v, %v", v, err)
	}
	var got map[string]any
	j, _ := json.Marshal(v)
	if err := json.Unmarshal(j, &got); err != nil || got["identical"] != false || got["want"] != root.String() || got["diff_error"] != "" ||
		len(got["changes"].([]any)) != 1 {
		t.Errorf("JSON = %s", j)
	}

	v, err = project.Verify(ctx, info, same, unixfs.Options{},
		func(context.Context, cid.Cid) (blockstore.Blockstore, error) { return nil, registry.ErrBlockNotFound })
	if err != nil || !errors.Is(v.DiffError, registry.ErrBlockNotFound) || len(v.Changes) != 0 {
		t.Errorf("Verify(not local) = %+v, %v", v, err)
	}
	if j, _ := json.Marshal(v); !json.Valid(j) {
		t.Errorf("JSON = %s", j)
	}
}
