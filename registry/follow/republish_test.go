package follow_test

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/kubo"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// TestRepublishReport: a republish round re-signs and reports each
// replica in the documented JSON; a dead replica makes Err say so
// (registry.ErrUnreachable), and its status then shows the failure and
// the lag.
func TestRepublishReport(t *testing.T) {
	ctx := t.Context()
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	blocks := registrytest.NewBlocks()
	index := bolt.NewTransient(filepath.Join(t.TempDir(), "index.db"), nil)
	signer := &ipns.Signer{Key: k, Lifetime: time.Hour}
	reg, err := registry.New(registry.Config{Blocks: blocks, Index: index, Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	p := &pub{reg: reg, blocks: blocks, signer: signer, name: k.RegistryName()}
	if _, err := reg.Init(ctx); err != nil {
		t.Fatal(err)
	}
	p.publish(t, "say@1.0.0", "hello")
	f, err := follow.New(follow.Config{Name: p.name, Own: true, Blocks: blocks, Index: index})
	if err != nil {
		t.Fatal(err)
	}
	dead, err := kubo.New("http://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	replicas := []follow.Replica{{Name: "dead", Kubo: dead}}
	r, err := f.Republish(ctx, k, true, replicas, follow.Retry{Attempts: 1})
	if err != nil || !r.Resigned.Resigned || len(r.Replicas) != 1 {
		t.Fatalf("Republish: %+v, %v", r, err)
	}
	if err := r.Err(); !errors.Is(err, registry.ErrUnreachable) {
		t.Errorf("Err: %v", err)
	}
	var out map[string]any
	b, _ := json.Marshal(r)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if keys := sortedKeys(out); !reflect.DeepEqual(keys, []string{"due", "expires", "registry", "replicas", "resigned", "seq"}) {
		t.Errorf("keys %v: %s", keys, b)
	}
	rep := out["replicas"].([]any)[0].(map[string]any)
	if keys := sortedKeys(rep); !reflect.DeepEqual(keys, []string{"attempts", "blocks", "error", "kubo", "name", "record"}) ||
		rep["record"] != follow.PushUnreachable || rep["error"] == "" {
		t.Errorf("replica %s", b)
	}

	sts, err := f.ReplicaStatuses(ctx, replicas)
	if err != nil || len(sts) != 1 || sts[0].LastFailure.IsZero() || sts[0].Lag != r.Head.Seq {
		t.Fatalf("ReplicaStatuses: %+v, %v", sts, err)
	}
	b, _ = json.Marshal(sts[0])
	var st map[string]any
	json.Unmarshal(b, &st)
	if keys := sortedKeys(st); !reflect.DeepEqual(keys, []string{"kubo", "lag", "last_error", "last_failure", "last_success", "name", "pin", "seq"}) ||
		st["last_success"] != "" {
		t.Errorf("status %s", b)
	}
}

func sortedKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
