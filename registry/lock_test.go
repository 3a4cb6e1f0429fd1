package registry_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// lockFixture is a registry with tts 1.0.0, 1.0.1, 1.1.0-beta.1 and
// player 2.1.0, 2.1.3, 3.0.0.
func lockFixture(t testing.TB) *fixture {
	t.Helper()
	f := newFixture(t, 0)
	for _, s := range []string{"tts@1.0.0", "tts@1.0.1", "tts@1.1.0-beta.1", "player@2.1.0", "player@2.1.3", "player@3.0.0"} {
		f.publish(t, s, s)
	}
	return f
}

func lockProject(t testing.TB, services map[string]string) *manifest.Project {
	t.Helper()
	p := &manifest.Project{Registry: regName, Services: map[manifest.Name]manifest.Spec{}}
	for n, q := range services {
		sp, err := manifest.ParseSpec(n + "@" + q)
		if err != nil {
			t.Fatal(err)
		}
		p.Services[sp.Name] = sp
	}
	return p
}

func mustLock(t testing.TB, f *fixture, p *manifest.Project, old *manifest.Lock, opts registry.LockOptions) registry.LockResult {
	t.Helper()
	res, err := f.reg.Lock(context.Background(), p, old, opts)
	if err != nil {
		t.Fatalf("lock: %v", err)
	}
	return res
}

// versions summarises a lock as "name@version …", sorted.
func versions(l *manifest.Lock) string {
	var out []string
	for _, n := range []manifest.Name{"player", "tts", "web"} {
		if e, ok := l.Services[n]; ok {
			out = append(out, fmt.Sprintf("%s@%s", n, e.Version))
		}
	}
	return strings.Join(out, " ")
}

func changes(cs []registry.LockChange) string {
	var out []string
	for _, c := range cs {
		switch {
		case c.Old == nil:
			out = append(out, fmt.Sprintf("+%s@%s", c.Service, c.New.Version))
		case c.New == nil:
			out = append(out, fmt.Sprintf("-%s@%s", c.Service, c.Old.Version))
		default:
			out = append(out, fmt.Sprintf("~%s@%s→%s%s", c.Service, c.Old.Version, c.New.Range+"@", c.New.Version))
		}
	}
	return strings.Join(out, " ")
}

func TestLockFresh(t *testing.T) {
	f := lockFixture(t)
	ctx := context.Background()
	res := mustLock(t, f, lockProject(t, map[string]string{"tts": "^1.0.0", "player": "~2.1"}), nil, registry.LockOptions{})
	head, err := f.reg.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := versions(res.Lock); got != "player@2.1.3 tts@1.0.1" {
		t.Errorf("locked %s", got)
	}
	if !res.Changed || changes(res.Changes) != "+player@2.1.3 +tts@1.0.1" {
		t.Errorf("changed %v, changes %s", res.Changed, changes(res.Changes))
	}
	if res.Lock.Registry != regName || res.Lock.Root != head.Root || res.Lock.Seq != head.Seq {
		t.Errorf("lock state %s %s %d, head %s %d", res.Lock.Registry, res.Lock.Root, res.Lock.Seq, head.Root, head.Seq)
	}
	e := res.Lock.Services["tts"]
	want, err := f.resolve(t, "tts@1.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if e.Range != "^1.0.0" || !e.CID.Equals(want.CID) || e.Size != uint64(len("tts@1.0.1")) || e.Profile != "unixfs-v1-2025" || e.Hidden {
		t.Errorf("tts entry %+v", e)
	}
}

func TestLockKeepsAndUpdates(t *testing.T) {
	f := lockFixture(t)
	p := lockProject(t, map[string]string{"tts": "^1.0.0", "player": "~2.1"})
	first := mustLock(t, f, p, nil, registry.LockOptions{}).Lock
	f.publish(t, "tts@1.0.2", "tts 1.0.2")
	f.publish(t, "player@2.1.4", "player 2.1.4")

	again := mustLock(t, f, p, first, registry.LockOptions{})
	if again.Changed || len(again.Changes) != 0 || again.Lock != first {
		t.Fatalf("lock with an up-to-date lock changed it: %s", changes(again.Changes))
	}

	one := mustLock(t, f, p, first, registry.LockOptions{Update: []manifest.Name{"tts"}})
	if got := versions(one.Lock); got != "player@2.1.3 tts@1.0.2" {
		t.Errorf("update tts locked %s", got)
	}
	if !one.Changed || changes(one.Changes) != "~tts@1.0.1→^1.0.0@1.0.2" || one.Lock.Seq <= first.Seq {
		t.Errorf("update tts: changes %s, seq %d", changes(one.Changes), one.Lock.Seq)
	}

	all := mustLock(t, f, p, first, registry.LockOptions{UpdateAll: true})
	if got := versions(all.Lock); got != "player@2.1.4 tts@1.0.2" {
		t.Errorf("update locked %s", got)
	}

	if _, err := f.reg.Lock(context.Background(), p, first, registry.LockOptions{Update: []manifest.Name{"web"}}); !errors.Is(err, registry.ErrServiceNotFound) {
		t.Errorf("update of a service not in the project: %v, want ErrServiceNotFound", err)
	}
}

func TestLockProjectChanges(t *testing.T) {
	f := lockFixture(t)
	first := mustLock(t, f, lockProject(t, map[string]string{"tts": "^1.0.0", "player": "~2.1"}), nil, registry.LockOptions{}).Lock
	f.publish(t, "tts@1.0.2", "tts 1.0.2")
	tests := []struct {
		name     string
		services map[string]string
		want     string // versions
		changes  string
	}{
		{"range still satisfied: kept", map[string]string{"tts": "^1.0.1", "player": "~2.1"}, "player@2.1.3 tts@1.0.1", "~tts@1.0.1→^1.0.1@1.0.1"},
		{"range no longer satisfied: resolved", map[string]string{"tts": ">=1.0.2", "player": "~2.1"}, "player@2.1.3 tts@1.0.2", "~tts@1.0.1→>=1.0.2@1.0.2"},
		{"service removed", map[string]string{"tts": "^1.0.0"}, "tts@1.0.1", "-player@2.1.3"},
		{"service added", map[string]string{"tts": "^1.0.0", "player": "~2.1", "web": "*"}, "", ""},
		{"tag", map[string]string{"tts": "latest", "player": "~2.1"}, "player@2.1.3 tts@1.0.2", "~tts@1.0.1→latest@1.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.reg.Lock(context.Background(), lockProject(t, tt.services), first, registry.LockOptions{})
			if tt.want == "" {
				if !errors.Is(err, registry.ErrServiceNotFound) {
					t.Fatalf("lock with an unknown service: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := versions(res.Lock); got != tt.want {
				t.Errorf("locked %s, want %s", got, tt.want)
			}
			if got := changes(res.Changes); got != tt.changes {
				t.Errorf("changes %s, want %s", got, tt.changes)
			}
		})
	}
}

func TestLockYanked(t *testing.T) {
	f := lockFixture(t)
	ctx := context.Background()
	p := lockProject(t, map[string]string{"tts": "^1.0.0"})
	first := mustLock(t, f, p, nil, registry.LockOptions{}).Lock
	if _, _, err := f.reg.Yank(ctx, "tts", manifest.MustParseVersion("1.0.1"), "too fast", false); err != nil {
		t.Fatal(err)
	}
	kept := mustLock(t, f, p, first, registry.LockOptions{})
	if kept.Changed || len(kept.Findings) != 1 || kept.Findings[0].Kind != registry.FindingYanked || !kept.Findings[0].Warning {
		t.Fatalf("yanked locked version: changed %v, findings %+v", kept.Changed, kept.Findings)
	}
	if !strings.Contains(kept.Findings[0].Message, "tts@1.0.1 is yanked: too fast") {
		t.Errorf("finding %q", kept.Findings[0].Message)
	}
	updated := mustLock(t, f, p, first, registry.LockOptions{UpdateAll: true})
	if got := versions(updated.Lock); got != "tts@1.0.0" {
		t.Errorf("update locked %s, want the highest version not yanked", got)
	}
	_, err := f.reg.Lock(ctx, lockProject(t, map[string]string{"tts": "1.0.1"}), nil, registry.LockOptions{})
	if !errors.Is(err, manifest.ErrYanked) {
		t.Errorf("newly locking a yanked version: %v, want ErrYanked", err)
	}
}

func TestLockRefuses(t *testing.T) {
	f := lockFixture(t)
	ctx := context.Background()
	p := lockProject(t, map[string]string{"tts": "^1.0.0"})
	good := mustLock(t, f, p, nil, registry.LockOptions{}).Lock

	tampered := *good
	tampered.Services = map[manifest.Name]manifest.LockEntry{"tts": good.Services["tts"]}
	e := tampered.Services["tts"]
	e.CID = f.content(t, "evil")
	tampered.Services["tts"] = e
	if _, err := f.reg.Lock(ctx, p, &tampered, registry.LockOptions{}); !errors.Is(err, registry.ErrLockMismatch) {
		t.Errorf("lock over a tampered entry: %v, want ErrLockMismatch", err)
	}

	ahead := *good
	ahead.Root, ahead.Seq = f.content(t, "a state made elsewhere"), good.Seq+5
	if _, err := f.reg.Lock(ctx, p, &ahead, registry.LockOptions{}); !errors.Is(err, registry.ErrUnverifiable) {
		t.Errorf("lock made at a newer state: %v, want ErrUnverifiable", err)
	}
	edited := *good
	edited.Seq += 5 // its root is here and says otherwise: repaired
	if res, err := f.reg.Lock(ctx, p, &edited, registry.LockOptions{}); err != nil || !res.Changed || res.Lock.Seq != good.Seq {
		t.Errorf("lock over an edited seq: changed %v, seq %d, %v; want the head's seq %d", res.Changed, res.Lock.Seq, err, good.Seq)
	}

	other, err := registry.New(registry.Config{Name: "k51other", Blocks: f.blocks, Index: registrytest.NewIndex()})
	if err != nil {
		t.Fatal(err)
	}
	po := lockProject(t, map[string]string{"tts": "^1.0.0"})
	po.Registry = "k51other"
	if _, err := other.Lock(ctx, po, nil, registry.LockOptions{}); !errors.Is(err, registry.ErrUnverifiable) || !errors.Is(err, registry.ErrNoHead) {
		t.Errorf("lock without a head: %v, want ErrUnverifiable and ErrNoHead", err)
	}
	if _, err := f.reg.Lock(ctx, po, nil, registry.LockOptions{}); err == nil {
		t.Error("lock for a project naming another registry succeeded")
	}
}
