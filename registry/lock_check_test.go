package registry_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// findings summarises a report as "kind[!] service: message…" lines; "!"
// marks errors, as opposed to warnings.
func findings(rep registry.Report) string {
	var out []string
	for _, f := range rep.Findings {
		sev := ""
		if !f.Warning {
			sev = "!"
		}
		out = append(out, fmt.Sprintf("%s%s %s: %s", f.Kind, sev, f.Service, f.Message))
	}
	return strings.Join(out, "\n")
}

func cloneLock(l *manifest.Lock) *manifest.Lock {
	c := *l
	c.Services = map[manifest.Name]manifest.LockEntry{}
	for n, e := range l.Services {
		c.Services[n] = e
	}
	return &c
}

func TestCheck(t *testing.T) {
	f := lockFixture(t)
	ctx := context.Background()
	p := lockProject(t, map[string]string{"tts": "^1.0.0", "player": "~2.1"})
	good := mustLock(t, f, p, nil, registry.LockOptions{}).Lock
	first, err := f.reg.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.publish(t, "tts@1.0.2", "tts 1.0.2") // the registry moves on; the lock stays true
	evil := f.content(t, "evil")

	tests := []struct {
		name    string
		project *manifest.Project
		edit    func(*manifest.Lock)
		opts    registry.CheckOptions
		want    []string // "kind[!] service: message fragment"
	}{
		{name: "current and true", project: p},
		{name: "service added", project: lockProject(t, map[string]string{"tts": "^1.0.0", "player": "~2.1", "web": "*"}),
			want: []string{"stale! web: web@* is in svcreg.json but not in the lock"}},
		{name: "range changed", project: lockProject(t, map[string]string{"tts": "^1.0.1", "player": "~2.1"}),
			want: []string{`stale! tts: tts: svcreg.json asks for "^1.0.1"`}},
		{name: "registry changed", project: &manifest.Project{Registry: "k51other", Services: p.Services},
			want: []string{"stale! : svcreg.json names registry k51other"}},
		{name: "tampered cid", project: p, edit: func(l *manifest.Lock) {
			e := l.Services["tts"]
			e.CID = evil
			l.Services["tts"] = e
		}, want: []string{"mismatch! tts: tts@1.0.1: the lock has cid " + evil.String() + ", the registry's signed manifest (seq 8) has"}},
		{name: "tampered size and profile", project: p, edit: func(l *manifest.Lock) {
			e := l.Services["player"]
			e.Size, e.Profile, e.Hidden = 1, "unixfs-v0-2015", true
			l.Services["player"] = e
		}, want: []string{"mismatch! player: player@2.1.3: the lock has size 1, the registry has 12; profile unixfs-v0-2015, the registry has unixfs-v1-2025; hidden true, the registry has false"}},
		{name: "version the registry lacks", project: p, edit: func(l *manifest.Lock) {
			e := l.Services["tts"]
			e.Version = manifest.MustParseVersion("1.9.0")
			l.Services["tts"] = e
		}, want: []string{"mismatch! tts: lock does not match the registry: version not found: tts@1.9.0"}},
		{name: "tampered root", project: p, edit: func(l *manifest.Lock) { l.Root = evil2(t) },
			want: []string{"mismatch! : the lock's root " + evil2(t).String() + " is not seq 7 of " + regName + "; the registry's signed history has " + first.Root.String()}},
		{name: "tampered seq", project: p, edit: func(l *manifest.Lock) { l.Seq = 3 },
			want: []string{"tampered! : the lock's seq 3 is not its root's: " + first.Root.String() + " is seq 7 of " + regName}},
		{name: "tampered seq past the head", project: p, edit: func(l *manifest.Lock) { l.Seq = 99 },
			want: []string{"tampered! : the lock's seq 99 is not its root's: " + first.Root.String() + " is seq 7 of " + regName}},
		{name: "lock ahead of the head", project: p, edit: func(l *manifest.Lock) { l.Root, l.Seq = evil2(t), 99 },
			want: []string{"unverifiable : cannot check the lock's root " + evil2(t).String() + " (seq 99): the newest state of " + regName + " known here is seq 8"}},
		{name: "content missing", project: p, opts: registry.CheckOptions{Content: func(_ context.Context, c cid.Cid) error {
			if c.Equals(good.Services["player"].CID) {
				return fmt.Errorf("block %s: %w", c, registry.ErrBlockNotFound)
			}
			return nil
		}}, want: []string{"content! player: player@2.1.3: content is missing: block"}},
		{name: "content corrupt", project: p, opts: registry.CheckOptions{Content: func(_ context.Context, c cid.Cid) error {
			return fmt.Errorf("block %s: %w", c, registry.ErrCorruptBlock)
		}}, want: []string{"content! player: player@2.1.3: content is corrupt", "content! tts: tts@1.0.1: content is corrupt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := cloneLock(good)
			if tt.edit != nil {
				tt.edit(l)
			}
			rep, err := f.reg.Check(ctx, tt.project, l, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := findings(rep)
			lines := strings.Split(got, "\n")
			if got == "" {
				lines = nil
			}
			if len(lines) != len(tt.want) {
				t.Fatalf("findings:\n%s\nwant:\n%s", got, strings.Join(tt.want, "\n"))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("finding %d:\n%s\nwant prefix:\n%s", i, lines[i], w)
				}
			}
			if failed := len(tt.want) > 0 && strings.Contains(strings.Join(tt.want, ""), "!"); rep.Failed() != failed {
				t.Errorf("Failed() = %v, want %v", rep.Failed(), failed)
			}
			if rep.Head.Seq != 8 && tt.name != "registry changed" {
				t.Errorf("checked against seq %d, want the head (8)", rep.Head.Seq)
			}
		})
	}
}

// evil2 is a dag-cbor CID no registry state has.
func evil2(t testing.TB) cid.Cid {
	b, err := manifest.NewBlock([]byte{0xa0, 0xa0})
	if err != nil {
		t.Fatal(err)
	}
	return b.CID
}

func TestCheckYanked(t *testing.T) {
	f := lockFixture(t)
	ctx := context.Background()
	p := lockProject(t, map[string]string{"tts": "^1.0.0"})
	l := mustLock(t, f, p, nil, registry.LockOptions{}).Lock
	if _, _, err := f.reg.Yank(ctx, "tts", manifest.MustParseVersion("1.0.1"), "too fast", false); err != nil {
		t.Fatal(err)
	}
	for _, strict := range []bool{false, true} {
		rep, err := f.reg.Check(ctx, p, l, registry.CheckOptions{Strict: strict})
		if err != nil {
			t.Fatal(err)
		}
		want := "yanked tts: tts@1.0.1 is yanked: too fast; the lock keeps it until 'svcreg update tts'"
		if strict {
			want = strings.Replace(want, "yanked tts", "yanked! tts", 1)
		}
		if got := findings(rep); got != want || rep.Failed() != strict {
			t.Errorf("strict %v: findings %q (failed %v), want %q", strict, got, rep.Failed(), want)
		}
	}
}

func TestCheckUnverifiable(t *testing.T) {
	f := lockFixture(t)
	ctx := context.Background()
	p := lockProject(t, map[string]string{"tts": "^1.0.0"})
	l := mustLock(t, f, p, nil, registry.LockOptions{}).Lock

	// Another home with no copy of the registry.
	empty, err := registry.New(registry.Config{Name: regName, Blocks: registrytest.NewBlocks(), Index: registrytest.NewIndex()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := empty.Check(ctx, p, l, registry.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := findings(rep); !strings.HasPrefix(got, "unverifiable! : cannot verify against the registry: registry has no head") || !rep.Failed() {
		t.Errorf("findings %q", got)
	}

	// A home with the head but without the service blocks.
	head, err := f.reg.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	partial := registrytest.NewBlocks()
	data, err := f.blocks.Get(ctx, head.Root)
	if err != nil {
		t.Fatal(err)
	}
	if err := partial.Put(ctx, head.Root, data); err != nil {
		t.Fatal(err)
	}
	cache := registrytest.NewIndex()
	if err := cache.SwapHead(ctx, 0, head); err != nil {
		t.Fatal(err)
	}
	reg, err := registry.New(registry.Config{Name: regName, Blocks: partial, Index: cache})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = reg.Check(ctx, p, l, registry.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := findings(rep); !strings.HasPrefix(got, "unverifiable! tts: tts@1.0.1: load index") || !rep.Failed() {
		t.Errorf("findings %q", got)
	}
}
