package manifest_test

import (
	"errors"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// Tags must never look like a version: "1.2.3.4", "v1" or "1.2" as a tag
// would make NAME@X mean something the user did not ask for.
func TestValidateTag(t *testing.T) {
	for _, tag := range []string{"latest", "beta", "next", "stable-2", "rc.1", "version", "vnext", "canary_build"} {
		if err := manifest.ValidateTag(tag); err != nil {
			t.Errorf("ValidateTag(%q) = %v, want nil", tag, err)
		}
	}
	for _, tag := range []string{
		"1.2.3.4", "1.2", "1", "1.0.0", "0day", // starts with a digit
		"v1", "v1.2.3.4", "v2-beta", "V1", // v and a digit
		"_beta", "x", "X", "*", "^1", ">=1", // not a letter, or a range
		"Beta", "", "a b", "a@b",
	} {
		if err := manifest.ValidateTag(tag); !errors.Is(err, manifest.ErrInvalidTag) {
			t.Errorf("ValidateTag(%q) = %v, want ErrInvalidTag", tag, err)
		}
	}
}

// What follows "@" is a range or a tag; what looks like a version but is
// not a valid range, and build metadata, is a usage error, never a tag.
func TestParseSpecVersionLike(t *testing.T) {
	for in, want := range map[string]string{
		"tts@latest":  "tag latest",
		"tts@beta":    "tag beta",
		"tts@1.2":     "range 1.2",
		"tts@v1":      "range v1",
		"tts@1.0.0":   "range 1.0.0",
		"tts@^1 || 2": "range ^1 || 2",
	} {
		sp, err := manifest.ParseSpec(in)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", in, err)
			continue
		}
		got := "range " + sp.Range.String()
		if sp.Tag != "" {
			got = "tag " + sp.Tag
		}
		if got != want {
			t.Errorf("ParseSpec(%q) = %s, want %s", in, got, want)
		}
	}
	for in, also := range map[string]error{
		"tts@1.2.3.4":       manifest.ErrInvalidRange,
		"tts@v1.2.3.4":      manifest.ErrInvalidRange,
		"tts@1.0.0+build.5": manifest.ErrInvalidVersion,
		"tts@^1.0.0+b":      manifest.ErrInvalidVersion,
		"tts@_x":            manifest.ErrInvalidRange,
	} {
		_, err := manifest.ParseSpec(in)
		if !errors.Is(err, manifest.ErrInvalidSpec) || !errors.Is(err, also) {
			t.Errorf("ParseSpec(%q) = %v, want ErrInvalidSpec and %v", in, err, also)
		}
	}
}

// Build metadata has no precedence: publish, tag and yank refuse it as
// resolve does.
func TestParseExactBuildMetadata(t *testing.T) {
	if _, _, err := manifest.ParseExact("tts@1.0.0+build.5"); !errors.Is(err, manifest.ErrInvalidVersion) {
		t.Fatalf("ParseExact(tts@1.0.0+build.5) = %v, want ErrInvalidVersion", err)
	}
	if _, v, err := manifest.ParseExact("tts@1.0.0-rc.1"); err != nil || v.String() != "1.0.0-rc.1" {
		t.Fatalf("ParseExact(tts@1.0.0-rc.1) = %v, %v", v, err)
	}
}

func mustService(t *testing.T, versions ...string) *manifest.Service {
	t.Helper()
	s := manifest.NewService("tts")
	c := cid.MustParse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
	for _, v := range versions {
		if _, err := s.Add(manifest.MustParseVersion(v), manifest.Release{Content: c, Profile: "unixfs-v1-2025"}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func resolveVersion(t *testing.T, s *manifest.Service, spec string) (string, error) {
	t.Helper()
	sp, err := manifest.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := s.Resolve(sp)
	return v.String(), err
}

func yank(t *testing.T, s *manifest.Service, v, reason string) bool {
	t.Helper()
	changed, err := s.SetYank(manifest.MustParseVersion(v), &manifest.Yank{Reason: reason})
	if err != nil {
		t.Fatal(err)
	}
	return changed
}

// latest follows the highest stable, non-yanked version through publish,
// yank and restore, and NAME@latest always agrees with the bare NAME.
func TestLatestFollowsYank(t *testing.T) {
	s := mustService(t, "1.0.0", "1.3.0", "1.4.0", "2.0.0-rc.1")
	agree := func(want string) {
		t.Helper()
		bare, err1 := resolveVersion(t, s, "tts")
		latest, err2 := resolveVersion(t, s, "tts@latest")
		if (err1 == nil) != (err2 == nil) || bare != latest {
			t.Fatalf("tts = %s %v, tts@latest = %s %v: they must agree", bare, err1, latest, err2)
		}
		if want == "" {
			if !errors.Is(err1, manifest.ErrNoMatch) {
				t.Fatalf("tts = %s %v, want ErrNoMatch", bare, err1)
			}
			if _, ok := s.Tags["latest"]; ok {
				t.Fatalf("latest tag %s left on a service with no stable, non-yanked version", s.Tags["latest"])
			}
			return
		}
		if err1 != nil || bare != want || s.Tags["latest"] != want {
			t.Fatalf("tts = %s %v, latest tag %s; want %s", bare, err1, s.Tags["latest"], want)
		}
	}
	agree("1.4.0")
	yank(t, s, "1.4.0", "broken")
	agree("1.3.0")
	yank(t, s, "1.0.0", "")
	agree("1.3.0")
	if _, err := s.SetYank(manifest.MustParseVersion("1.4.0"), nil); err != nil {
		t.Fatal(err)
	}
	agree("1.4.0")
	yank(t, s, "1.4.0", "")
	yank(t, s, "1.3.0", "")
	agree("") // only a yanked 1.0.0, 1.3.0, 1.4.0 and a prerelease remain
	s2 := mustService(t, "1.0.0", "1.2.0")
	yank(t, s2, "1.2.0", "")
	s2.Add(manifest.MustParseVersion("1.1.0"), manifest.Release{Content: cid.MustParse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"), Profile: "unixfs-v1-2025"})
	if s2.Tags["latest"] != "1.1.0" {
		t.Fatalf("latest = %s after publishing 1.1.0 below a yanked 1.2.0, want 1.1.0", s2.Tags["latest"])
	}
}

// Other tags are never moved; one that points at a yanked version fails
// with ErrYanked, and no tag can be set on a yanked version or be latest.
func TestTagsAndYank(t *testing.T) {
	s := mustService(t, "1.0.0", "1.1.0")
	if _, err := s.SetTag("stable", manifest.MustParseVersion("1.1.0")); err != nil {
		t.Fatal(err)
	}
	yank(t, s, "1.1.0", "bad")
	if _, err := resolveVersion(t, s, "tts@stable"); !errors.Is(err, manifest.ErrYanked) {
		t.Fatalf("tts@stable after yanking its version = %v, want ErrYanked", err)
	}
	if _, err := s.SetTag("beta", manifest.MustParseVersion("1.1.0")); !errors.Is(err, manifest.ErrYanked) {
		t.Fatalf("tagging a yanked version = %v, want ErrYanked", err)
	}
	if _, err := s.SetTag("latest", manifest.MustParseVersion("1.0.0")); !errors.Is(err, manifest.ErrLatestTag) {
		t.Fatalf("setting latest by hand = %v, want ErrLatestTag", err)
	}
	if _, err := s.SetTag("v2", manifest.MustParseVersion("1.0.0")); !errors.Is(err, manifest.ErrInvalidTag) {
		t.Fatalf("tag v2 = %v, want ErrInvalidTag", err)
	}
}

// Yanking a yanked version again changes nothing without a new reason;
// with one it changes only the reason, not the yank time.
func TestYankAgain(t *testing.T) {
	s := mustService(t, "1.0.0", "1.1.0")
	v := manifest.MustParseVersion("1.1.0")
	if !yank(t, s, "1.1.0", "first") {
		t.Fatal("first yank: not changed")
	}
	first := *s.Releases["1.1.0"].Yank
	for _, reason := range []string{"", "first"} {
		if yank(t, s, "1.1.0", reason) {
			t.Fatalf("yank again with reason %q: changed", reason)
		}
	}
	if y := s.Releases["1.1.0"].Yank; y.Reason != "first" {
		t.Fatalf("reason %q after yanking again without one, want first", y.Reason)
	}
	later := manifest.Yank{Reason: "second", Time: first.Time.Add(3600e9)}
	if changed, err := s.SetYank(v, &later); err != nil || !changed {
		t.Fatalf("yank with a new reason: %v %v", changed, err)
	}
	if y := s.Releases["1.1.0"].Yank; y.Reason != "second" || !y.Time.Equal(first.Time) {
		t.Fatalf("after a new reason: %q at %v, want second at %v", y.Reason, y.Time, first.Time)
	}
	if changed, _ := s.SetYank(v, nil); !changed {
		t.Fatal("undo: not changed")
	}
	if changed, _ := s.SetYank(v, nil); changed {
		t.Fatal("undo of a version that is not yanked: changed")
	}
}
