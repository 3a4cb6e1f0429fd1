package registry_test

import (
	"slices"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// The plain-text forms print what svcreg prints without --json.
func TestResultText(t *testing.T) {
	r := newResults()
	c, v, published, rel, s := r.c, r.v, r.published, r.rel, r.s
	info := registry.ReleaseInfo{Registry: "k51x", Service: "web", Version: v, Release: rel, Root: c, Seq: 3, Path: "/ipns/k51x/p/"}
	unyanked := info
	unyanked.Release.Yank = nil
	for _, tt := range []struct {
		name, got, want string
	}{
		{"ls", registry.VersionList(s)[0].String(), "1.0.0 " + c.String() + " [latest]"},
		{"ls tagged and yanked", registry.VersionList(s)[1].String(), "1.2.0-rc.1 " + c.String() + " [beta, next] (yanked: bad)"},
		{"log", registry.LogEntry{Seq: 2, Root: c, Time: published, Change: "publish web@1.0.0"}.String(),
			"2 " + c.String() + " 2026-01-02T02:04:05Z publish web@1.0.0"},
		{"info", info.Text(), "web@1.2.0-rc.1\n  cid:       " + c.String() + "\n  size:      7 bytes\n  profile:   unixfs-v1-2025\n" +
			"  published: 2026-01-02T02:04:05Z\n  yanked:    bad\n  manifest:  " + c.String() + " (seq 3)\n  path:      /ipns/k51x/p/\n"},
		{"info unyanked", unyanked.Text(), "web@1.2.0-rc.1\n  cid:       " + c.String() + "\n  size:      7 bytes\n  profile:   unixfs-v1-2025\n" +
			"  published: 2026-01-02T02:04:05Z\n  manifest:  " + c.String() + " (seq 3)\n  path:      /ipns/k51x/p/\n"},
		{"move", registry.MoveInfo{From: "k51a", To: "k51b", Root: "bafyroot", RootVersion: 3, Signed: 2, PrevSigned: 1, MovedSigned: 1}.Text(),
			"move of k51a to k51b: root v3 bafyroot\nroot signed by 2 keys of v3 and 1 of v2; moved signed by 1 root keys\n"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s:\n%q\nwant\n%q", tt.name, tt.got, tt.want)
		}
	}
}

func TestChangeSummaryLines(t *testing.T) {
	c := cid.MustParse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
	s := &registry.ChangeSummary{Registry: "k51x", Seq: 4, Prev: c, RootVersion: 2, SignedBy: []string{"a"}, Threshold: 2,
		Entries: []registry.ChangeEntry{{Op: registry.OpTag, Service: "web", Tag: "beta\x1b", Version: "1.0.0"}}}
	want := []string{"change to k51x: seq 4 after " + c.String() + " (root v2)", "  tag web beta\\x1b → 1.0.0", "1 of 2 publish signatures"}
	if got := s.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines:\n%q\nwant\n%q", got, want)
	}
	s.Entries = nil
	want = []string{want[0], "  (no release or tag changes)", want[2]}
	if got := s.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines of an empty change:\n%q\nwant\n%q", got, want)
	}
}
