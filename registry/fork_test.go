package registry_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// keysOf lists the blocks of bs as a block store does: by multihash, in
// raw CIDs.
func keysOf(t *testing.T, bs *registrytest.Blocks) func(context.Context) (<-chan cid.Cid, error) {
	var keys []cid.Cid
	bs.Each(func(data []byte) {
		c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum(data)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, c)
	})
	return func(context.Context) (<-chan cid.Cid, error) {
		ch := make(chan cid.Cid, len(keys))
		for _, k := range keys {
			ch <- k
		}
		close(ch)
		return ch, nil
	}
}

// withKey is the registry of f opened in another home that has its key
// and its blocks but an empty index, whose floor reads as floor.
func withKey(t *testing.T, f *fixture, floor uint64) *registry.Registry {
	t.Helper()
	reg, err := registry.New(registry.Config{Blocks: f.blocks, Index: floorIndex{registrytest.NewIndex(), floor}, Signer: registrytest.Signer{N: regName}})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// floorIndex is an empty index that has seen floor.
type floorIndex struct {
	*registrytest.Index
	floor uint64
}

func (i floorIndex) Floor(context.Context, string) (uint64, error) { return i.floor, nil }

func TestCheckForkWithHead(t *testing.T) {
	f := newFixture(t, 0)
	if err := f.reg.CheckFork(t.Context(), registry.ForkCheck{Keys: keysOf(t, f.blocks)}); err != nil {
		t.Fatalf("CheckFork with a head = %v, want nil", err)
	}
}

func TestCheckFork(t *testing.T) {
	f := newFixture(t, 0)
	f.publish(t, "tts@1.0.0", "one")
	f.publish(t, "tts@1.0.1", "two")
	head, err := f.reg.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	remotes := []registry.Remote{
		{Name: "zeta", Registry: regName, Gateways: []string{"http://a", "http://b"}},
		{Name: "other", Registry: "k51other", Gateways: []string{"http://c"}},
		{Name: "main", Registry: regName, Gateways: []string{"http://d"}},
	}
	for _, tc := range []struct {
		name  string
		floor uint64
		fc    registry.ForkCheck
		want  string
	}{
		{"nothing", 0, registry.ForkCheck{}, "the key was imported or copied, so the registry has a history elsewhere"},
		{"floor", 7, registry.ForkCheck{}, "this home has seen its seq 7"},
		{"stored", 0, registry.ForkCheck{Keys: keysOf(t, f.blocks)},
			fmt.Sprintf("the block store holds its seq %d (%s) without a signed record", head.Seq, head.Root)},
		{"remotes", 0, registry.ForkCheck{Remotes: remotes},
			"remote main follows it (http://d); remote zeta follows it (http://a, http://b)"},
		{"all", 2, registry.ForkCheck{Keys: keysOf(t, f.blocks), Remotes: remotes[2:]},
			fmt.Sprintf("this home has seen its seq 2; the block store holds its seq %d (%s) without a signed record; remote main follows it (http://d)", head.Seq, head.Root)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := withKey(t, f, tc.floor).CheckFork(t.Context(), tc.fc)
			if !errors.Is(err, registry.ErrFork) {
				t.Fatalf("CheckFork = %v, want ErrFork", err)
			}
			var fe *registry.ForkError
			if !errors.As(err, &fe) || fe.Name != regName || fe.Floor != tc.floor {
				t.Fatalf("CheckFork = %#v", err)
			}
			if got := fe.Evidence(); got != tc.want {
				t.Errorf("evidence = %q, want %q", got, tc.want)
			}
			want := regName + ": this home has the registry's key but not its head, and a new seq 1 would fork its history: " + tc.want
			if err.Error() != want {
				t.Errorf("error = %q, want %q", err, want)
			}
		})
	}
}

func TestCheckForkStoredOtherRegistry(t *testing.T) {
	f := newFixture(t, 0)
	f.publish(t, "tts@1.0.0", "one")
	reg, err := registry.New(registry.Config{Blocks: f.blocks, Index: registrytest.NewIndex(), Signer: registrytest.Signer{N: "k51another"}})
	if err != nil {
		t.Fatal(err)
	}
	var fe *registry.ForkError
	if err := reg.CheckFork(t.Context(), registry.ForkCheck{Keys: keysOf(t, f.blocks)}); !errors.As(err, &fe) {
		t.Fatalf("CheckFork = %v, want a *ForkError", err)
	}
	if fe.Stored != nil {
		t.Errorf("states of another registry counted: %+v", fe.Stored)
	}
}

// headIndex is a HeadIndex with heads and the times their upstreams
// were checked.
type headIndex struct {
	*registrytest.Index
	heads   []registry.Head
	checked map[string]time.Time
}

func (i headIndex) Heads(context.Context) ([]registry.Head, error) { return i.heads, nil }
func (i headIndex) Checked(_ context.Context, name string) (time.Time, error) {
	return i.checked[name], nil
}

func TestCheckLostKey(t *testing.T) {
	idx := headIndex{
		Index: registrytest.NewIndex(),
		heads: []registry.Head{{Name: "k51own", Seq: 2}, {Name: "k51remote", Seq: 5}, {Name: "k51followed", Seq: 9}, {Name: "k51copy", Seq: 1}},
		checked: map[string]time.Time{
			"k51followed": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		},
	}
	remotes := []registry.Remote{{Name: "main", Registry: "k51remote"}}
	err := registry.CheckLostKey(t.Context(), idx, remotes)
	if !errors.Is(err, registry.ErrLostKey) {
		t.Fatalf("CheckLostKey = %v, want ErrLostKey", err)
	}
	var lk *registry.LostKeyError
	if !errors.As(err, &lk) {
		t.Fatalf("CheckLostKey = %#v", err)
	}
	if got, want := lk.Registries(), "k51own (seq 2) and k51copy (seq 1)"; got != want {
		t.Errorf("registries = %q, want %q", got, want)
	}
	if !strings.Contains(err.Error(), "holds the registry k51own (seq 2) and k51copy (seq 1) but not its key") {
		t.Errorf("error = %q", err)
	}

	idx.heads = idx.heads[1:3] // only a remote and a followed registry
	if err := registry.CheckLostKey(t.Context(), idx, remotes); err != nil {
		t.Errorf("CheckLostKey without a registry of its own = %v", err)
	}
	idx.heads = nil
	if err := registry.CheckLostKey(t.Context(), idx, nil); err != nil {
		t.Errorf("CheckLostKey of an empty index = %v", err)
	}
}
