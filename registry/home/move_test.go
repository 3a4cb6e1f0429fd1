package home_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
)

// TestSubmitMove: a move without its signatures leaves the home as it
// was; a signed one makes the new name's first state, keeps the old
// name's key and final record, and gives the home the new key.
func TestSubmitMove(t *testing.T) {
	h, roles := initRoles(t)
	old, err := h.Key()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := h.Signing(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := home.LoadPublishKey(filepath.Join(roles, home.PublishKeyFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	reg.UsePublishKeys(pk)
	next, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := reg.PrepareMove(t.Context(), next.Name(), registry.RootChange{Expires: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.SubmitMove(t.Context(), reg, m, next, 0, 0); !errors.Is(err, registry.ErrUntrusted) {
		t.Fatalf("SubmitMove unsigned: %v, want ErrUntrusted", err)
	}
	if k, err := h.Key(); err != nil || k.Name() != old.Name() {
		t.Fatalf("after a refused move the home's key is %v, %v", k, err)
	}

	rk, err := home.LoadRoleKey(filepath.Join(roles, home.RootKeyFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Sign(rk); err != nil {
		t.Fatal(err)
	}
	res, err := h.SubmitMove(t.Context(), reg, m, next, time.Hour, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if res.New.Name != next.Name() || res.New.Seq != 1 || res.Final.Name != old.Name() || res.Final.Seq != registry.FinalSeq {
		t.Fatalf("SubmitMove: %+v", res)
	}
	if k, err := h.Key(); err != nil || k.Name() != next.Name() {
		t.Fatalf("after the move the home's key is %v, %v", k, err)
	}
	finals, err := h.FinalRecords()
	if err != nil || !bytes.Equal(finals[old.Name()], res.Final.Record) {
		t.Fatalf("FinalRecords: %v, %v", finals, err)
	}
	if _, err := os.Stat(h.MovedKeyFile(old.Name())); err != nil {
		t.Fatalf("the old key is not kept: %v", err)
	}
}
