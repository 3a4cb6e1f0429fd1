package manifest_test

import (
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

func TestReleaseEqual(t *testing.T) {
	c := cid.MustParse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
	base := manifest.Release{Content: c, Size: 1, Profile: "unixfs-v1-2025", Published: time.Unix(10, 0)}
	same := base
	same.Published = time.Unix(10, 5e8).In(time.FixedZone("x", 3600)) // the manifest keeps seconds
	if !base.Equal(same) {
		t.Error("releases differing below a second are not equal")
	}
	yanked := base
	yanked.Yank = &manifest.Yank{Reason: "r", Time: time.Unix(20, 0)}
	reason := yanked
	reason.Yank = &manifest.Yank{Reason: "other", Time: time.Unix(20, 0)}
	hidden := base
	hidden.Hidden = true
	for name, o := range map[string]manifest.Release{"yanked": yanked, "hidden": hidden} {
		if base.Equal(o) || o.Equal(base) {
			t.Errorf("%s: equal to the base", name)
		}
	}
	if yanked.Equal(reason) {
		t.Error("yanks with other reasons are equal")
	}
}
