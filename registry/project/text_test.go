package project_test

import (
	"errors"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/project"
	"github.com/svcreg/svcreg/registry/unixfs"
)

func TestVerificationText(t *testing.T) {
	want, got := pinned, moveCID
	v := &project.Verification{Service: "web", Version: manifest.MustParseVersion("1.2.0"), Profile: unixfs.ProfileV1,
		Dir: "site", Want: want, Got: want}
	if s, w := v.Text(), "web@1.2.0 "+want.String()+": site rebuilds it exactly (unixfs-v1-2025, hidden false)\n"; s != w {
		t.Errorf("identical:\n%q\nwant\n%q", s, w)
	}
	v.Got, v.Hidden = got, true
	v.Changes = []unixfs.Change{
		{Path: "a.txt", Kind: unixfs.Added, New: got},
		{Path: "b\x1b.txt", Kind: unixfs.Modified, Old: want, New: got},
	}
	v.DiffError = errors.New("read\x07 failed")
	w := "web@1.2.0 is " + want.String() + "; site rebuilds to " + got.String() + " (unixfs-v1-2025, hidden true)\n" +
		"added    a.txt\n" +
		"modified \"b\\x1b.txt\" (" + want.String() + " -> " + got.String() + ")\n" +
		"cannot list the differences: read\\a failed\n"
	if s := v.Text(); s != w {
		t.Errorf("differs:\n%q\nwant\n%q", s, w)
	}
}

func TestOverviewText(t *testing.T) {
	o := project.Overview{Lockfile: "svcreg.lock", Registry: "k51reg", Seq: 4, Services: 1, Findings: []registry.Finding{
		{Kind: registry.FindingYanked, Warning: true, Message: "web@1.0.0 is yanked"},
		{Kind: registry.FindingMismatch, Message: "api\x1b differs"},
	}}
	findings := "yanked (warning): web@1.0.0 is yanked\nmismatch: api\\x1b differs\n"
	if got := o.Text(false); got != findings {
		t.Errorf("failed check: %q, want %q", got, findings)
	}
	o.Findings = o.Findings[:1]
	o.Services = 2
	if got, want := o.Text(true), "yanked (warning): web@1.0.0 is yanked\nsvcreg.lock: ok: 2 services, true to k51reg at seq 4\n"; got != want {
		t.Errorf("passed check: %q, want %q", got, want)
	}
}

func TestLockResultText(t *testing.T) {
	entry := manifest.LockEntry{Range: "^1.0.0", Version: manifest.MustParseVersion("1.2.0"), CID: pinned}
	r := project.LockResult{Path: "svcreg.lock", LockResult: registry.LockResult{
		Lock:    &manifest.Lock{Registry: "k51reg", Seq: 3, Services: map[manifest.Name]manifest.LockEntry{"web": entry}},
		Changes: []registry.LockChange{{Service: "web", New: &entry}},
		Trust:   &registry.TrustChange{New: &manifest.LockTrust{Root: moveCID, Version: 1}},
	}}
	want := "added   web@1.2.0 " + pinned.String() + "\n" +
		"trust   root v1 " + moveCID.String() + " (trusted on first use: review it in the lock's diff)\n" +
		"svcreg.lock is up to date: 1 service from k51reg at seq 3\n"
	if got := r.Text(); got != want {
		t.Errorf("Text:\n%q\nwant\n%q", got, want)
	}
	r.Changes, r.Trust, r.Written = nil, nil, true
	r.Lock.Services = nil
	if got, want := r.Text(), "svcreg.lock written: 0 services from k51reg at seq 3\n"; got != want {
		t.Errorf("Text: %q, want %q", got, want)
	}
}
