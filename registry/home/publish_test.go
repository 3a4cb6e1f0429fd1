package home_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// site returns a directory with a page and a dotfile.
func site(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("hello\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".env"), []byte("secret\n"), 0o644)
	return dir
}

// keys returns the keys of the JSON object v marshals to, in order.
func keys(t *testing.T, v any) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.Token() // {
	var out []string
	for dec.More() {
		k, _ := dec.Token()
		out = append(out, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	return out
}

// TestPublishDryRunThenPublish: a dry run in a home without a registry
// stores nothing; after init it says what a publish would change, which
// Publish then does; the results marshal as publish --json documents.
func TestPublishDryRunThenPublish(t *testing.T) {
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "home")
	d := home.PublishDir{Service: "web", Version: manifest.MustParseVersion("1.0.0"), Dir: site(t)}
	p, err := home.PublishDryRun(ctx, dir, nil, d)
	if err != nil {
		t.Fatal(err)
	}
	if !p.NoKey || p.Changed || p.Seq() != 0 || p.Profile != unixfs.ProfileV1 || len(p.Skipped) != 1 || p.Skipped[0].Path != ".env" {
		t.Fatalf("dry run without a registry: %+v", p)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a dry run created the home: %v", err)
	}
	want := "dry_run service version cid size profile registry changed seq skipped"
	if got := strings.Join(keys(t, p), " "); got != want {
		t.Fatalf("dry run JSON keys %q, want %q", got, want)
	}

	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	head, err := h.Init(ctx, home.InitOptions{})
	h.Close() // the index lock
	if err != nil {
		t.Fatal(err)
	}
	if p, err = home.PublishDryRun(ctx, dir, nil, d); err != nil {
		t.Fatal(err)
	}
	if p.NoKey || !p.Changed || p.Head.Name != head.Name || p.Seq() != 2 {
		t.Fatalf("dry run after init: %+v", p)
	}
	dry := p.Content

	if p, err = home.PublishIn(ctx, dir, nil, d); err != nil {
		t.Fatal(err)
	}
	if p.DryRun || !p.Changed || p.Seq() != 2 || !p.Content.Equals(dry) {
		t.Fatalf("publish: %+v (dry run said %s)", p, dry)
	}
	want = "service version cid size profile changed root seq skipped"
	if got := strings.Join(keys(t, p), " "); got != want {
		t.Fatalf("publish JSON keys %q, want %q", got, want)
	}
	if p, err = home.PublishIn(ctx, dir, nil, d); err != nil || p.Changed || p.Seq() != 2 {
		t.Fatalf("publish again: %+v, %v", p, err)
	}
	d.Import.Hidden = true // other content for 1.0.0
	if _, err := home.PublishIn(ctx, dir, nil, d); !errors.Is(err, manifest.ErrImmutable) {
		t.Fatalf("other content: %v, want ErrImmutable", err)
	}
	if _, err := home.PublishDryRun(ctx, dir, nil, d); !errors.Is(err, manifest.ErrImmutable) {
		t.Fatalf("dry run of other content: %v, want ErrImmutable", err)
	}
}

// TestPublishRefusesTooLarge: a tree beyond the limits stores nothing.
func TestPublishRefusesTooLarge(t *testing.T) {
	dir := mustHome(t)
	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	d := home.PublishDir{Service: "web", Version: manifest.MustParseVersion("2.0.0"), Dir: site(t), Limits: unixfs.Limits{MaxFiles: 1}}
	d.Import.Hidden = true
	if _, err := h.Publish(t.Context(), d); !errors.Is(err, unixfs.ErrTooLarge) {
		t.Fatalf("publish beyond the limits: %v, want ErrTooLarge", err)
	}
}

// TestInitNoFork: a key init did not make, without its head here, is
// refused (a *registry.ForkError) unless forced; a home whose key is gone
// but whose index holds its registry is refused (a *home.LostKeyError).
func TestInitNoFork(t *testing.T) {
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "home")
	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ipns.GenerateKey(nil)
	if err := home.ImportKey(dir, key); err != nil {
		t.Fatal(err)
	}
	var fe *registry.ForkError
	if _, err := h.Init(ctx, home.InitOptions{}); !errors.As(err, &fe) || fe.Name != key.Name() {
		t.Fatalf("init with an imported key: %v, want a ForkError", err)
	}
	head, err := h.Init(ctx, home.InitOptions{Force: true})
	if err != nil || head.Seq != 1 || head.Name != key.Name() {
		t.Fatalf("init --force: %+v, %v", head, err)
	}
	if again, err := h.Init(ctx, home.InitOptions{}); !errors.Is(err, registry.ErrExists) || again.Seq != 1 {
		t.Fatalf("init again: %+v, %v; want the head and ErrExists", again, err)
	}
	if err := home.ImportKey(dir, key); !errors.Is(err, ipns.ErrKeyExists) {
		t.Fatalf("import a second key: %v, want ErrKeyExists", err)
	}
	h.Close()

	os.Remove(filepath.Join(dir, home.KeyFile))
	h, err = home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var lost *home.LostKeyError
	if _, err := h.Init(ctx, home.InitOptions{}); !errors.As(err, &lost) || !errors.Is(err, registry.ErrLostKey) ||
		!strings.Contains(err.Error(), key.Name()+" (seq 1)") {
		t.Fatalf("init without the key: %v, want a LostKeyError", err)
	}
	if _, err := os.Stat(filepath.Join(dir, home.KeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a refused init made a key")
	}
}

// TestImport: a CAR exported with its record is adopted by another home;
// the result marshals as import --json documents.
func TestImport(t *testing.T) {
	ctx := t.Context()
	src, err := home.Open(mustHome(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	reg, err := src.Registry()
	if err != nil {
		t.Fatal(err)
	}
	head, err := reg.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	ex, err := car.Export(ctx, &buf, reg, src.Blocks(), head, car.ExportOptions{})
	if err != nil || len(ex.Roots) != 2 || !ex.Record || ex.Partial {
		t.Fatalf("export: %+v, %v", ex, err)
	}

	h, err := home.Open(filepath.Join(t.TempDir(), "home"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	imp, err := h.Import(ctx, "reg.car", &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Blocks != ex.Blocks || len(imp.Registries) != 1 || imp.Registries[0].Outcome != car.Adopted || imp.Registries[0].Seq != head.Seq {
		t.Fatalf("import: %+v", imp)
	}
	want := "file blocks bytes roots registries"
	if got := strings.Join(keys(t, imp), " "); got != want {
		t.Fatalf("import JSON keys %q, want %q", got, want)
	}
	if _, err := h.Import(ctx, "bad.car", strings.NewReader("not a car"), nil); !errors.Is(err, car.ErrInvalidCAR) ||
		!strings.HasPrefix(err.Error(), "import bad.car: ") {
		t.Fatalf("import of a bad file: %v", err)
	}
}
