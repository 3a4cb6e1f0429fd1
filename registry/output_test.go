package registry_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// results is what the JSON and the text forms of results are tested on:
// a service of two releases, one yanked and tagged twice.
type results struct {
	c         cid.Cid
	v         manifest.Version
	published time.Time
	rel       manifest.Release
	s         *manifest.Service
}

func newResults() results {
	r := results{
		c:         cid.MustParse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"),
		v:         manifest.MustParseVersion("1.2.0-rc.1"),
		published: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600)),
	}
	r.rel = manifest.Release{Content: r.c, Size: 7, Profile: "unixfs-v1-2025", Published: r.published, Yank: &manifest.Yank{Reason: "bad"}}
	r.s = &manifest.Service{Name: "web", Releases: map[string]manifest.Release{"1.2.0-rc.1": r.rel, "1.0.0": {Content: r.c}},
		Tags: map[string]string{"latest": "1.0.0", "next": "1.2.0-rc.1", "beta": "1.2.0-rc.1"}}
	return r
}

// The results marshal to the JSON svcreg prints (docs/CLI.md), keys in
// that order.
func TestResultJSON(t *testing.T) {
	r := newResults()
	c, v, published, rel, s := r.c, r.v, r.published, r.rel, r.s
	for _, tt := range []struct {
		v    any
		want string
	}{
		{registry.Resolution{Service: "web", Version: v, CID: c},
			`{"service":"web","version":"1.2.0-rc.1","cid":"` + c.String() + `","yanked":false,"yank_reason":""}`},
		{registry.ReleaseInfo{Registry: "k51x", Service: "web", Version: v, Release: rel, Root: c, Seq: 3, Path: "/ipns/k51x/p/"},
			`{"service":"web","version":"1.2.0-rc.1","cid":"` + c.String() + `","size":7,"profile":"unixfs-v1-2025","hidden":false,` +
				`"published":"2026-01-02T02:04:05Z","yanked":true,"yank_reason":"bad","registry":"k51x","root":"` + c.String() + `","seq":3,"path":"/ipns/k51x/p/"}`},
		{[]registry.LogEntry{{Seq: 2, Root: c, Time: published, Change: "publish web@1.0.0"}},
			`[{"seq":2,"root":"` + c.String() + `","time":"2026-01-02T02:04:05Z","change":"publish web@1.0.0"}]`},
		{registry.VersionList(s),
			`[{"version":"1.0.0","cid":"` + c.String() + `","tags":["latest"],"yanked":false,"yank_reason":""},` +
				`{"version":"1.2.0-rc.1","cid":"` + c.String() + `","tags":["beta","next"],"yanked":true,"yank_reason":"bad"}]`},
		{registry.VersionList(&manifest.Service{Name: "none"}), `[]`},
	} {
		got, err := json.Marshal(tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("got %s, %v\nwant %s", got, err, tt.want)
		}
	}
}
