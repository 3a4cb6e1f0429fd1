package car_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/registrytest"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// verifier checks records as svcreg does (follow.Verifier).
type verifier struct{}

func (verifier) VerifyRecord(name string, raw []byte) (registry.Record, error) {
	r, err := ipns.Verify(name, raw, time.Time{})
	if err != nil {
		return registry.Record{}, err
	}
	return registry.Record{Root: r.Value, Seq: r.Seq, Validity: r.Validity, TTL: r.TTL}, nil
}

// signedPub is a registry signed with a real key, on a flatfs store.
type signedPub struct {
	key    *ipns.Key
	blocks *flatfs.Store
	reg    *registry.Registry
}

func newSignedPub(t *testing.T) *signedPub {
	t.Helper()
	key, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := &signedPub{key: key, blocks: openStore(t)}
	p.reg, err = registry.New(registry.Config{Blocks: p.blocks, Index: registrytest.NewIndex(), Signer: ipns.NewSigner(key)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.reg.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	return p
}

func openStore(t *testing.T) *flatfs.Store {
	t.Helper()
	s, err := flatfs.Open(filepath.Join(t.TempDir(), "blocks"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// publish imports a one-file directory and publishes it as spec, with
// size as its recorded size (0: the true size); it returns the new head.
func (p *signedPub) publish(t *testing.T, spec, text string, size uint64) registry.Head {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := unixfs.Import(t.Context(), p.blocks.Blockstore(), dir, unixfs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if size == 0 {
		size = res.Size
	}
	name, v, err := manifest.ParseExact(spec)
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := p.reg.Publish(t.Context(), registry.Publication{Service: name, Version: v, Content: res.Root, Size: size, Profile: unixfs.ProfileV1})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// export writes the DAG of root as a CAR, with record as a second root
// when it is not nil.
func (p *signedPub) export(t *testing.T, root cid.Cid, record []byte) []byte {
	t.Helper()
	roots := []cid.Cid{root}
	var rc cid.Cid
	if record != nil {
		rc = must(car.RecordCID(record))
		roots = append(roots, rc)
	}
	var buf bytes.Buffer
	w, err := car.NewWriter(&buf, roots, p.blocks)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.DAG(t.Context(), root, nil); err != nil {
		t.Fatal(err)
	}
	if record != nil {
		if err := w.Put(t.Context(), rc, record); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// client is a home that imports CARs.
type client struct {
	blocks *flatfs.Store
	index  *registrytest.Index
	check  bool // check expansions
}

func newClient(t *testing.T) *client {
	return &client{blocks: openStore(t), index: registrytest.NewIndex(), check: true}
}

// importCAR reads file into the client's store and adopts its states.
func (c *client) importCAR(t *testing.T, file []byte) ([]car.Adoption, error) {
	t.Helper()
	contents, err := car.Read(t.Context(), bytes.NewReader(file), c.blocks, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := car.AdoptConfig{Blocks: c.blocks, Index: c.index, Verifier: verifier{}}
	if c.check {
		cfg.Content = c.blocks.Blockstore()
	}
	return car.Adopt(t.Context(), cfg, contents.Roots)
}

func (c *client) head(t *testing.T, name string) (registry.Head, bool) {
	t.Helper()
	h, err := c.index.Head(t.Context(), name)
	if errors.Is(err, registry.ErrNoHead) {
		return h, false
	} else if err != nil {
		t.Fatal(err)
	}
	return h, true
}

// adoptOne imports file and returns its one adoption.
func (c *client) adoptOne(t *testing.T, file []byte) car.Adoption {
	t.Helper()
	as, err := c.importCAR(t, file)
	if err != nil {
		t.Fatalf("adopt: %v", err)
	}
	if len(as) != 1 {
		t.Fatalf("adopt: %d adoptions, want 1: %+v", len(as), as)
	}
	return as[0]
}

func TestAdopt(t *testing.T) {
	pub := newSignedPub(t)
	name := pub.key.Name()
	old := pub.publish(t, "tts@1.0.0", "hello", 0)
	head := pub.publish(t, "tts@1.0.1", "hello again", 0)
	full := pub.export(t, head.Root, head.Record)

	c := newClient(t)
	// without a record: blocks stored, no head
	a := c.adoptOne(t, pub.export(t, head.Root, nil))
	if a.Outcome != car.NoRecord || a.Registry != name || a.Seq != head.Seq || !a.Root.Equals(head.Root) {
		t.Fatalf("bare CAR: %+v", a)
	}
	if _, ok := c.head(t, name); ok {
		t.Fatal("a CAR without a record moved the head")
	}
	// with its record: adopted
	a = c.adoptOne(t, full)
	if a.Outcome != car.Adopted || a.Head.Seq != head.Seq || !a.Head.Root.Equals(head.Root) {
		t.Fatalf("full CAR: %+v", a)
	}
	if got, ok := c.head(t, name); !ok || got.Seq != head.Seq || !bytes.Equal(got.Record, head.Record) {
		t.Fatalf("head after adoption: %+v", got)
	}
	// again: nothing changes
	if a = c.adoptOne(t, full); a.Outcome != car.Current || a.Head.Seq != head.Seq {
		t.Fatalf("full CAR again: %+v", a)
	}
	// an older state never rolls the head back
	a = c.adoptOne(t, pub.export(t, old.Root, old.Record))
	if a.Outcome != car.Older || a.Floor != head.Seq || a.Seq != old.Seq {
		t.Fatalf("older CAR: %+v", a)
	}
	if got, _ := c.head(t, name); got.Seq != head.Seq {
		t.Fatalf("an older CAR rolled the head back to %d", got.Seq)
	}
}

func TestAdoptRefusesRecords(t *testing.T) {
	pub := newSignedPub(t)
	name := pub.key.Name()
	head := pub.publish(t, "tts@1.0.0", "hello", 0)

	// expired: signed two days ago for a day
	expired, err := (&ipns.Signer{Key: pub.key, Lifetime: 24 * time.Hour, Now: func() time.Time { return time.Now().Add(-48 * time.Hour) }}).Sign(head.Root, head.Seq)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	if a := c.adoptOne(t, pub.export(t, head.Root, expired)); a.Outcome != car.Expired {
		t.Fatalf("expired record: %+v", a)
	}
	if _, ok := c.head(t, name); ok {
		t.Fatal("an expired record moved the head")
	}

	// forged: another key signs this registry's state
	other, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := ipns.NewSigner(other).Sign(head.Root, head.Seq)
	if err != nil {
		t.Fatal(err)
	}
	c = newClient(t)
	if _, err := c.importCAR(t, pub.export(t, head.Root, forged)); !errors.Is(err, ipns.ErrInvalidRecord) {
		t.Fatalf("forged record: %v, want ErrInvalidRecord", err)
	}
	if _, ok := c.head(t, name); ok {
		t.Fatal("a forged record moved the head")
	}

	// a record of another state is not this state's
	head2 := pub.publish(t, "tts@1.0.1", "hello again", 0)
	c = newClient(t)
	if a := c.adoptOne(t, pub.export(t, head.Root, head2.Record)); a.Outcome != car.NoRecord {
		t.Fatalf("record of another state: %+v", a)
	}
}

func TestAdoptRefusesUnwritable(t *testing.T) {
	pub := newSignedPub(t)
	name := pub.key.Name()
	pub.publish(t, "tts@1.0.0", "hello", 0)
	head := pub.publish(t, "bomb@1.0.0", "small", 7) // records 7 bytes, holds 5
	file := pub.export(t, head.Root, head.Record)

	c := newClient(t)
	_, err := c.importCAR(t, file)
	var uw *car.UnwritableError
	if !errors.As(err, &uw) || !errors.Is(err, unixfs.ErrSizeMismatch) {
		t.Fatalf("adopt: %v, want an UnwritableError wrapping ErrSizeMismatch", err)
	}
	if uw.Registry != name || uw.Seq != head.Seq || uw.Service != "bomb" || uw.Version != "1.0.0" {
		t.Errorf("error names %+v", uw)
	}
	if _, ok := c.head(t, name); ok {
		t.Fatal("an unwritable state became the head")
	}

	// without Content, expansions are not checked
	c = newClient(t)
	c.check = false
	if a := c.adoptOne(t, file); a.Outcome != car.Adopted {
		t.Fatalf("adopt without a check: %+v", a)
	}
}

func TestAdoptSkipsOtherRoots(t *testing.T) {
	pub := newSignedPub(t)
	head := pub.publish(t, "tts@1.0.0", "hello", 0)
	c := newClient(t)
	if _, err := car.Read(t.Context(), bytes.NewReader(pub.export(t, head.Root, head.Record)), c.blocks, nil); err != nil {
		t.Fatal(err)
	}
	missing := must(car.RecordCID([]byte("not stored")))
	rc := must(car.RecordCID(head.Record))
	// a root that is not stored, and the service index (DAG-CBOR, not a
	// manifest): neither is a state
	_, m, err := pub.reg.Manifest(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	roots := []cid.Cid{missing, m.Services, head.Root, rc}
	as, err := car.Adopt(t.Context(), car.AdoptConfig{Blocks: c.blocks, Index: c.index, Verifier: verifier{}}, roots)
	if err != nil || len(as) != 1 || as[0].Outcome != car.Adopted {
		t.Fatalf("adopt: %+v, %v", as, err)
	}
	if _, err := car.Adopt(t.Context(), car.AdoptConfig{Blocks: c.blocks}, nil); err == nil {
		t.Fatal("adopt without an index and a verifier: no error")
	}
}

// TestAdoptionJSON: an Adoption marshals as svcreg import --json lists it.
func TestAdoptionJSON(t *testing.T) {
	root, _ := cid.Decode("bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy")
	for _, tc := range []struct {
		a    car.Adoption
		want string
	}{
		{car.Adoption{Registry: "k51x", Root: root, Seq: 2, Outcome: car.Adopted, Head: registry.Head{Root: root, Seq: 2}},
			`{"registry":"k51x","root":"` + root.String() + `","seq":2,"adopted":true,"note":"head is now seq 2 (` + root.String() + `)"}`},
		{car.Adoption{Registry: "k51x", Root: root, Seq: 1, Outcome: car.Older, Floor: 3},
			`{"registry":"k51x","root":"` + root.String() + `","seq":1,"adopted":false,"note":"kept the head: this home has seen seq 3, the file holds seq 1"}`},
		{car.Adoption{Registry: "k51x", Root: root, Seq: 1},
			`{"registry":"k51x","root":"` + root.String() + `","seq":1,"adopted":false,"note":"the file has no record for seq 1: blocks stored, head unchanged"}`},
	} {
		b, err := json.Marshal(tc.a)
		if err != nil || string(b) != tc.want {
			t.Errorf("json.Marshal = %s, %v; want %s", b, err, tc.want)
		}
	}
}
