package main

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/path"
	ic "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/svcreg/svcreg/registry/maint"
)

// writeOtherRecord stores, as svcreg serve does, a record of a throwaway
// key that ends at eol in the home's records/ and returns its file.
func writeOtherRecord(t *testing.T, home string, eol time.Time) string {
	t.Helper()
	sk, _, err := ic.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p, err := path.NewPath("/ipfs/bafkqaaa")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ipnsrec.NewRecord(sk, p, 1, eol, time.Minute, ipnsrec.WithPublicKey(true))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ipnsrec.MarshalRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := peer.IDFromPrivateKey(sk)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(home, "records", ipnsrec.NameFromPeer(pid).String())
	if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestGCPrunesRecords: gc removes the records of names not followed that
// are past their end of life (a dry run only counts them) and keeps the
// live ones.
func TestGCPrunesRecords(t *testing.T) {
	home := t.TempDir()
	mustSvcreg(t, home, "init")
	expired := []string{writeOtherRecord(t, home, time.Now().Add(-time.Minute)), writeOtherRecord(t, home, time.Now().Add(-time.Hour))}
	live := writeOtherRecord(t, home, time.Now().Add(time.Hour))
	exists := func(f string) bool { _, err := os.Stat(f); return err == nil }

	var res maint.GCReport
	if err := json.Unmarshal([]byte(mustSvcreg(t, home, "gc", "--dry-run", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	if res.Records != 2 || !exists(expired[0]) || !exists(expired[1]) {
		t.Errorf("dry run: expired_records %d, want 2 and nothing removed", res.Records)
	}
	out := mustSvcreg(t, home, "gc")
	if !strings.Contains(out, "removed 2 expired records") {
		t.Errorf("gc said %q", out)
	}
	if exists(expired[0]) || exists(expired[1]) || !exists(live) {
		t.Errorf("after gc: expired %v %v (want gone), live %v (want kept)", exists(expired[0]), exists(expired[1]), exists(live))
	}
}
