package registry_test

import (
	"context"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// format1Root is the head of testdata/format1/registry.car (its README
// says how it was made, by svcreg before format 2).
var format1Root = cid.MustParse("bafyreigtlqxq32wr6zr6cdisfaq4qxxp2z4rui7spiekkd3c3tterhk53u")

const format1Name = "k51format1fixture"

// openFormat1 opens the format-1 fixture with the current code and its
// default leaf limits.
func openFormat1(t *testing.T) (*registry.Registry, *registrytest.Blocks) {
	t.Helper()
	ctx := context.Background()
	f, err := os.Open("testdata/format1/registry.car")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blocks := registrytest.NewBlocks()
	got, err := car.Read(ctx, f, blocks, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Roots) != 1 || !got.Roots[0].Equals(format1Root) {
		t.Fatalf("fixture roots %v", got.Roots)
	}
	cache := registrytest.NewIndex()
	signer := registrytest.Signer{N: format1Name}
	rec, _ := signer.Sign(format1Root, 8)
	if err := cache.SwapHead(ctx, 0, registry.Head{Name: format1Name, Root: format1Root, Seq: 8, Record: rec}); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	reg, err := registry.New(registry.Config{Blocks: blocks, Index: cache, Signer: signer, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	return reg, blocks
}

func info(t *testing.T, reg *registry.Registry, spec string) registry.ReleaseInfo {
	t.Helper()
	sp, err := manifest.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	in, err := reg.Info(context.Background(), sp)
	if err != nil {
		t.Fatalf("info %s: %v", spec, err)
	}
	return in
}

// walkKinds counts the blocks a Reach walk of the head visits, by kind,
// and fails on any problem.
func walkKinds(t *testing.T, reg *registry.Registry, blocks registry.Blocks) map[registry.BlockKind]int {
	t.Helper()
	ctx := context.Background()
	h, err := reg.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[registry.BlockKind]int{}
	r := registry.Reach{Blocks: blocks}
	err = r.Walk(ctx, h, func(c cid.Cid, kind registry.BlockKind, err error) error {
		if err != nil {
			t.Errorf("%s %s: %v", kind, c, err)
		}
		kinds[kind]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return kinds
}

func TestFormat1RegistryOpensReadsAndMigrates(t *testing.T) {
	ctx := context.Background()
	reg, blocks := openFormat1(t)
	_, m, err := reg.Manifest(ctx)
	if err != nil || m.Format != 1 || m.Releases != 643 {
		t.Fatalf("manifest: %+v, %v (want format 1, 643 releases)", m, err)
	}

	// Read as written: the fixture's README lists what it holds.
	for spec, want := range map[string]string{
		"tts": "1.0.0", "tts@beta": "2.0.0-beta.1", "tts@1.1.0": "1.1.0", "tts@^1": "1.0.0",
		"big": "1.0.599", "big@~1.0.5": "1.0.599", "big@1.0.42": "1.0.42", "svc-17": "1.0.0",
	} {
		if got := info(t, reg, spec); got.Version.String() != want {
			t.Errorf("%s = %s, want %s", spec, got.Version, want)
		}
	}
	if y := info(t, reg, "tts@1.1.0").Release.Yank; y == nil || y.Reason != "broken audio" {
		t.Errorf("tts@1.1.0 yank = %+v", y)
	}
	oldBig := info(t, reg, "big@1.0.42")
	inline := regexp.MustCompile(`^/ipns/` + format1Name + `/services/(-[0-9a-f]{2}/)+big/versions/1\.0\.42/content/$`)
	if !inline.MatchString(oldBig.Path) {
		t.Errorf("format-1 path %s", oldBig.Path)
	}
	names, err := reg.Services(ctx)
	if err != nil || len(names) != 42 {
		t.Fatalf("services: %d, %v", len(names), err)
	}
	svcPath := func(name, v string) []cid.Cid {
		p, err := reg.ReleasePath(ctx, manifest.Name(name), manifest.MustParseVersion(v))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	untouched := svcPath("svc-05", "1.0.0")
	before := walkKinds(t, reg, blocks)
	if before[registry.KindVersions] != 0 || before[registry.KindContent] != 643 {
		t.Errorf("format-1 walk: %v", before)
	}

	// The first change writes format 2 and shards the 90 KiB service it
	// touches; untouched services keep their format-1 blocks.
	c := cid.MustParse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
	if err := blocks.Put(ctx, c, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := reg.Publish(ctx, registry.Publication{Service: "big", Version: manifest.MustParseVersion("1.0.600"), Content: c, Size: 1, Profile: "unixfs-v1-2025"}); err != nil {
		t.Fatal(err)
	}
	_, m, err = reg.Manifest(ctx)
	if err != nil || m.Format != manifest.FormatVersion || m.Releases != 644 {
		t.Fatalf("after publish: %+v, %v", m, err)
	}
	if after := svcPath("svc-05", "1.0.0"); !after[len(after)-1].Equals(untouched[len(untouched)-1]) {
		t.Errorf("svc-05's block changed: %s -> %s", untouched[len(untouched)-1], after[len(after)-1])
	}
	sharded := regexp.MustCompile(`^/ipns/` + format1Name + `/services/(-[0-9a-f]{2}/)+big/versions/(-[0-9a-f]{2}/)+1\.0\.42/content/$`)
	if got := info(t, reg, "big@1.0.42"); !sharded.MatchString(got.Path) || !got.Release.Content.Equals(oldBig.Release.Content) {
		t.Errorf("after migration: %s %s, want a sharded path to %s", got.Path, got.Release.Content, oldBig.Release.Content)
	}
	for spec, want := range map[string]string{"big": "1.0.600", "tts": "1.0.0", "tts@beta": "2.0.0-beta.1", "svc-17": "1.0.0"} {
		if got := info(t, reg, spec); got.Version.String() != want {
			t.Errorf("after publish: %s = %s, want %s", spec, got.Version, want)
		}
	}
	s, err := reg.Service(ctx, "big")
	if err != nil || len(s.Releases) != 601 {
		t.Fatalf("big: %d releases, %v", len(s.Releases), err)
	}
	after := walkKinds(t, reg, blocks)
	if after[registry.KindVersions] < 2 || after[registry.KindContent] != 644 {
		t.Errorf("format-2 walk: %v", after)
	}

	// Yanking the latest of a sharded service finds the next one.
	if _, _, err := reg.Yank(ctx, "big", manifest.MustParseVersion("1.0.600"), "oops", false); err != nil {
		t.Fatal(err)
	}
	if got := info(t, reg, "big"); got.Version.String() != "1.0.599" {
		t.Errorf("after yank: big = %s", got.Version)
	}
	if _, _, err := reg.Tag(ctx, "big", manifest.MustParseVersion("1.0.7"), "old"); err != nil {
		t.Fatal(err)
	}
	if got := info(t, reg, "big@old"); got.Version.String() != "1.0.7" {
		t.Errorf("big@old = %s", got.Version)
	}
}
