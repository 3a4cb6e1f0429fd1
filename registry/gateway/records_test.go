package gateway_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/path"
	ic "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/gateway"
)

// mustRecord signs value with sk at seq, valid for an hour.
func mustRecord(t *testing.T, sk ic.PrivKey, value string, seq uint64) (string, []byte) {
	t.Helper()
	return mustRecordEOL(t, sk, value, seq, time.Now().Add(time.Hour))
}

// mustRecordEOL signs value with sk at seq, valid until eol.
func mustRecordEOL(t *testing.T, sk ic.PrivKey, value string, seq uint64, eol time.Time) (string, []byte) {
	t.Helper()
	p, err := path.NewPath(value)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ipnsrec.NewRecord(sk, p, seq, eol, time.Minute, ipnsrec.WithPublicKey(true))
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
	return ipnsrec.NameFromPeer(pid).String(), raw
}

// TestOtherNames: records of names this home does not follow are
// verified, stored as records only, and served, as kubo's offline
// routing does; they never become heads in the index.
func TestOtherNames(t *testing.T) {
	h := newHome(t, 74)
	h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", map[string]string{"index.html": "own"})
	one := h.importFiles(t, map[string]string{"index.html": "one", "docs/a.txt": "doc a"})
	two := h.importFiles(t, map[string]string{"index.html": "two"})
	// A PUT that waited for the index lock would wait an hour.
	srv := h.serve(t, func(c *cfgT) { c.RecordsDir = filepath.Join(h.dir, "records"); c.WriteWait = time.Hour })

	stranger := seedKey(t, 75).PrivKey()
	secp, _, err := ic.GenerateSecp256k1Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	name, rec1 := mustRecord(t, stranger, "/ipfs/"+one.String(), 1)
	_, rec2 := mustRecord(t, stranger, "/ipfs/"+two.String(), 2)
	secpName, secpRec := mustRecord(t, secp, "/ipfs/"+one.String()+"/docs", 5)
	linkName, linkRec := mustRecord(t, seedKey(t, 76).PrivKey(), "/ipns/"+h.key.Name()+"/services/say/versions/1.0.0/content", 1)
	tamper := bytes.Clone(rec2)
	tamper[len(tamper)-3] ^= 1

	put := func(name string, rec []byte) int {
		return get(t, "PUT", srv.URL+"/routing/v1/ipns/"+name, rec, "Content-Type", recordType).code
	}
	body := func(p string) string {
		r := get(t, "GET", srv.URL+p, nil)
		if r.code != 200 {
			return http.StatusText(r.code)
		}
		return string(r.body)
	}
	if code := put(name, rec1); code != 200 {
		t.Fatalf("put seq 1: %d", code)
	}
	if got := body("/ipns/" + name + "/"); got != "one" {
		t.Errorf("after seq 1: %q", got)
	}
	if code := put(name, tamper); code != http.StatusBadRequest {
		t.Errorf("tampered: %d", code)
	}
	if code := put(name, rec2); code != 200 {
		t.Errorf("put seq 2: %d", code)
	}
	if code := put(name, rec1); code != http.StatusConflict {
		t.Errorf("older record: %d", code)
	}
	if code := put(name, rec2); code != 200 {
		t.Errorf("same record again: %d", code)
	}
	if got := body("/ipns/" + name + "/"); got != "two" {
		t.Errorf("after seq 2: %q", got)
	}
	r := get(t, "GET", srv.URL+"/routing/v1/ipns/"+name, nil, "Accept", recordType)
	if r.code != 200 || !bytes.Equal(r.body, rec2) {
		t.Errorf("routing get: %d, same record %v", r.code, bytes.Equal(r.body, rec2))
	}
	r = get(t, "GET", srv.URL+"/ipns/"+name+"?format=ipns-record", nil)
	if r.code != 200 || !bytes.Equal(r.body, rec2) {
		t.Errorf("format=ipns-record: %d", r.code)
	}
	// Other key types, and values with paths and /ipns/ links.
	if code := put(secpName, secpRec); code != 200 {
		t.Fatalf("put secp256k1: %d", code)
	}
	if got := body("/ipns/" + secpName + "/a.txt"); got != "doc a" {
		t.Errorf("secp256k1 name with a path: %q", got)
	}
	if code := put(linkName, linkRec); code != 200 {
		t.Fatalf("put link: %d", code)
	}
	if got := body("/ipns/" + linkName + "/"); got != "own" {
		t.Errorf("link to the registry: %q", got)
	}
	// A DNSLink to a name not followed.
	dl, err := dnslink.New(dnslink.Config{NSMap: "other.example.org:/ipns/" + name})
	if err != nil {
		t.Fatal(err)
	}
	srvDNS := h.serve(t, func(c *cfgT) { c.RecordsDir = filepath.Join(h.dir, "records"); c.DNSLink = dl })
	if r := get(t, "GET", srvDNS.URL+"/", nil, "Host", "other.example.org"); string(r.body) != "two" {
		t.Errorf("dnslink to a record: %d %.100q", r.code, r.body)
	}
	// Unknown names: 404, as the delegated routing spec says for IPNS.
	if got := get(t, "GET", srv.URL+"/routing/v1/ipns/"+seedKeyName(t, 77), nil, "Accept", recordType); got.code != http.StatusNotFound || got.header.Get("Content-Type") == recordType {
		t.Errorf("unknown name: %d %s, want 404", got.code, got.header.Get("Content-Type"))
	}
	// Records only: no head in the index.
	if _, err := h.indexHead(t, name); err == nil {
		t.Error("the record became a head")
	}
	// Stored without opening the index for writing.
	reader, err := bolt.Open(h.index, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	_, rec3 := mustRecord(t, stranger, "/ipfs/"+one.String(), 3)
	endsWithin(t, "a put while a reader holds the index (it waited for the lock)", func() error {
		r, err := fetch("PUT", srv.URL+"/routing/v1/ipns/"+name, rec3, "Content-Type", recordType)
		if err == nil && r.code != 200 {
			err = fmt.Errorf("put while a reader holds the index: %d", r.code)
		}
		return err
	})
	if strings.Contains(body("/ipns/"+name+"/"), "two") {
		t.Error("seq 3 not served")
	}
}

func seedKeyName(t *testing.T, b byte) string { return seedKey(t, b).Name() }

// TestMaxRecords keeps at most MaxRecords names not followed: when they
// are all live, a new name evicts the record closest to its end of life
// if it ends later itself, and is refused (507) if it would be the first
// to go; a known name can always move on.
func TestMaxRecords(t *testing.T) {
	h := newHome(t, 83)
	h.init(t, h.key)
	content := h.importFiles(t, map[string]string{"index.html": "x"})
	srv := h.serve(t, func(c *cfgT) { c.RecordsDir = filepath.Join(h.dir, "records"); c.MaxRecords = 2 })
	start := time.Now()
	put := func(seed byte, seq uint64, life time.Duration) int {
		name, rec := mustRecordEOL(t, seedKey(t, seed).PrivKey(), "/ipfs/"+content.String(), seq, start.Add(life))
		return get(t, "PUT", srv.URL+"/routing/v1/ipns/"+name, rec, "Content-Type", recordType).code
	}
	for _, tt := range []struct {
		seed byte
		seq  uint64
		life time.Duration
		code int
	}{
		{84, 1, time.Hour, 200},
		{85, 1, 2 * time.Hour, 200},
		{86, 1, 30 * time.Minute, http.StatusInsufficientStorage}, // would be the first to go
		{84, 2, time.Hour, 200},                                   // a known name
		{87, 1, 3 * time.Hour, 200},                               // evicts 84, the closest to its end
	} {
		if code := put(tt.seed, tt.seq, tt.life); code != tt.code {
			t.Errorf("key %d seq %d: %d, want %d", tt.seed, tt.seq, code, tt.code)
		}
	}
	for seed, want := range map[byte]int{84: http.StatusNotFound, 85: 200, 87: 200} {
		if r := get(t, "GET", srv.URL+"/routing/v1/ipns/"+seedKeyName(t, seed), nil, "Accept", recordType); r.code != want {
			t.Errorf("key %d after the eviction: %d, want %d", seed, r.code, want)
		}
	}
}

// TestRecordsExpire fills the records of names not followed with
// short-lived records of throwaway keys: once they are past their end of
// life, a fresh record of a new name is stored (in a server started over
// the full directory too: a restart), the expired ones are removed, and
// PruneRecords (svcreg gc) removes what is left of them.
func TestRecordsExpire(t *testing.T) {
	h := newHome(t, 88)
	h.init(t, h.key)
	content := h.importFiles(t, map[string]string{"index.html": "x"})
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	dir := filepath.Join(h.dir, "records")
	const max = 20
	serve := func() string {
		return h.serve(t, func(c *cfgT) { c.RecordsDir, c.MaxRecords, c.Now = dir, max, now }).URL
	}
	put := func(url string, seed byte, life time.Duration) int {
		name, rec := mustRecordEOL(t, seedKey(t, seed).PrivKey(), "/ipfs/"+content.String(), 1, now().Add(life))
		return get(t, "PUT", url+"/routing/v1/ipns/"+name, rec, "Content-Type", recordType).code
	}
	stored := func() int {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	first := serve()
	for i := range byte(max) {
		if code := put(first, 100+i, time.Minute); code != 200 {
			t.Fatalf("short-lived record %d: %d", i, code)
		}
	}
	clock.Add(int64(2 * time.Minute)) // every one of them is past its end of life
	if code := put(first, 130, time.Hour); code != 200 {
		t.Errorf("fresh record while the store is full of expired ones: %d, want 200", code)
	}
	if n := stored(); n != 1 {
		t.Errorf("%d records stored, want 1: the expired ones are removed", n)
	}
	for i := range byte(max - 1) {
		if code := put(first, 140+i, time.Minute); code != 200 {
			t.Fatalf("short-lived record %d: %d", i, code)
		}
	}
	clock.Add(int64(2 * time.Minute))
	restarted := serve()
	if code := put(restarted, 170, time.Hour); code != 200 {
		t.Errorf("fresh record after a restart over expired ones: %d, want 200", code)
	}
	if n := stored(); n != 2 {
		t.Errorf("%d records stored after the restart, want 2", n)
	}
	// What a server has not removed yet, PruneRecords (svcreg gc) does;
	// other files stay.
	for i := range byte(3) {
		if code := put(restarted, 180+i, time.Minute); code != 200 {
			t.Fatalf("short-lived record %d: %d", i, code)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	later := now().Add(2 * time.Minute)
	if n, err := gateway.PruneRecords(dir, later, true); n != 3 || err != nil || stored() != 6 {
		t.Errorf("dry run: %d, %v, %d files; want 3 to remove and nothing removed", n, err, stored())
	}
	if n, err := gateway.PruneRecords(dir, later, false); n != 3 || err != nil || stored() != 3 {
		t.Errorf("prune: %d, %v, %d files left; want 3 removed and 3 files left", n, err, stored())
	}
}
