package registry_test

import (
	"testing"

	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
)

// NewMoveInfo counts the signatures of a move as it is being signed: the
// new Root's by its own root keys and its prev's, then the Moved block's.
func TestNewMoveInfo(t *testing.T) {
	f, _ := newRootFixture(t)
	m := prepareMove(t, f)
	got := registry.NewMoveInfo(m)
	if got.From != regName || got.To != newName || got.RootVersion != 2 || got.Signed != 0 || got.PrevSigned != 0 || got.MovedSigned != 0 {
		t.Fatalf("unsigned: %+v", got)
	}
	b, err := trust.EncodeSignedRoot(m.Root)
	if err != nil {
		t.Fatal(err)
	}
	if got.Root != b.CID.String() {
		t.Fatalf("root %s, want %s", got.Root, b.CID)
	}
	if _, err := m.Sign(testKey(1)); err != nil {
		t.Fatal(err)
	}
	if got := registry.NewMoveInfo(m); got.Signed != 1 || got.PrevSigned != 1 || got.MovedSigned != 1 {
		t.Fatalf("signed by the root key: %+v", got)
	}
}
