package gateway_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/routing/http/client"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/ipns"
)

func TestIPNS(t *testing.T) {
	h := newHome(t, 10)
	h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", sayFiles)
	srv := h.serve(t, nil)
	name := h.key.Name()
	content := "/services/say/versions/1.0.0/content/"
	head, err := h.indexHead(t, name)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, url string
		hdr       []string
		code      int
		body      string
	}{
		{"release page", "/ipns/" + name + content + "?say=hi", nil, 200, `id="text"`},
		{"release file", "/ipns/" + name + content + "style.css", nil, 200, "color"},
		{"peer id spelling redirects to k51", "/ipns/" + h.key.PeerID() + content + "style.css", nil, 302, name + content + "style.css"},
		{"manifest block", "/ipns/" + name + "?format=dag-cbor", nil, 200, "publish say@1.0.0"},
		{"unknown registry", "/ipns/" + seedKey(t, 11).Name() + "/", nil, 404, "no head"},
		{"dnslink name, dnslink off", "/ipns/example.com/", nil, 400, "not an ipns key name or a dnslink domain"},
		{"missing path", "/ipns/" + name + "/services/nope/", nil, 404, ""},
		{"ipns record", "/ipns/" + name + "?format=ipns-record", nil, 200, ""},
		{"ipns record by Accept", "/ipns/" + name, []string{"Accept", "application/vnd.ipfs.ipns-record"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			r := get(t, "GET", srv.URL+tt.url, nil, tt.hdr...)
			if r.code != tt.code || !bytes.Contains(r.body, []byte(tt.body)) {
				t.Fatalf("status %d, want %d with %q: %.300s", r.code, tt.code, tt.body, r.body)
			}
			if strings.Contains(tt.desc, "ipns record") && !bytes.Equal(r.body, head.Record) {
				t.Fatalf("record: got %d bytes, want the %d stored", len(r.body), len(head.Record))
			}
		})
	}
	// /ipns/ answers may be cached for the record's TTL, as kubo does.
	r := get(t, "GET", srv.URL+"/ipns/"+name+content, nil)
	if cc := r.header.Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("Cache-Control %q, want the record TTL", cc)
	}
	// The record verifies for a client that trusts only the name.
	rec := get(t, "GET", srv.URL+"/ipns/"+name+"?format=ipns-record", nil)
	if v, err := ipns.Verify(name, rec.body, h.now); err != nil || !v.Value.Equals(head.Root) {
		t.Fatalf("served record: %+v, %v", v, err)
	}
}

func TestRoutingGet(t *testing.T) {
	h := newHome(t, 12)
	head := h.init(t, h.key)
	srv := h.serve(t, nil)
	c, err := client.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	n, err := ipnsrec.NameFromString(h.key.Name())
	if err != nil {
		t.Fatal(err)
	}
	rec, err := c.GetIPNS(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := rec.Value(); err != nil || v.String() != "/ipfs/"+head.Root.String() {
		t.Fatalf("record value %v, %v; want /ipfs/%s", v, err, head.Root)
	}
	// No record: 404, as the delegated routing spec says for IPNS.
	other, _ := ipnsrec.NameFromString(seedKey(t, 13).Name())
	if _, err := c.GetIPNS(context.Background(), other); err == nil {
		t.Fatal("GetIPNS of an unknown name succeeded")
	}
	for _, accept := range []string{"", "application/vnd.ipfs.ipns-record"} {
		r := get(t, "GET", srv.URL+"/routing/v1/ipns/"+other.String(), nil, "Accept", accept)
		if r.code != http.StatusNotFound || r.header.Get("Content-Type") == "application/vnd.ipfs.ipns-record" {
			t.Fatalf("unknown name (Accept %q): %d %s, want 404", accept, r.code, r.header.Get("Content-Type"))
		}
	}
	if r := get(t, "GET", srv.URL+"/routing/v1/providers/"+head.Root.String(), nil); r.code != 200 || bytes.Contains(r.body, []byte("Addrs")) {
		t.Fatalf("providers: %d %s, want 200 and none", r.code, r.body)
	}
}

// TestIndexNotTrusted stores heads the index could hold after tampering
// or a bug: the gateway must refuse to resolve them.
func TestIndexNotTrusted(t *testing.T) {
	ctx := context.Background()
	h := newHome(t, 14)
	first := h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", sayFiles)
	srv := h.serve(t, nil)
	stranger := seedKey(t, 15)
	tests := []struct {
		desc string
		head func(cur registry.Head) registry.Head
	}{
		{"record signed by another key", func(cur registry.Head) registry.Head {
			rec, err := h.signer(stranger, 0).Sign(cur.Root, cur.Seq+1)
			if err != nil {
				t.Fatal(err)
			}
			return registry.Head{Name: cur.Name, Root: cur.Root, Seq: cur.Seq + 1, Record: rec}
		}},
		{"record for another root", func(cur registry.Head) registry.Head {
			rec, err := h.signer(h.key, 0).Sign(first.Root, cur.Seq+1)
			if err != nil {
				t.Fatal(err)
			}
			return registry.Head{Name: cur.Name, Root: cur.Root, Seq: cur.Seq + 1, Record: rec}
		}},
		{"garbage record", func(cur registry.Head) registry.Head {
			return registry.Head{Name: cur.Name, Root: cur.Root, Seq: cur.Seq + 1, Record: []byte("not a record")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			c, err := bolt.Open(h.index, &bolt.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			cur, err := c.Head(ctx, h.key.Name())
			if err == nil {
				err = c.SwapHead(ctx, cur.Seq, tt.head(cur))
			}
			c.Close()
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"/ipns/" + h.key.Name() + "/", "/ipns/" + h.key.Name() + "?format=ipns-record", "/svc/say/"} {
				r := get(t, "GET", srv.URL+p, nil)
				if r.code != http.StatusInternalServerError || !bytes.Contains(r.body, []byte("invalid ipns record")) {
					t.Errorf("%s: %d %.200s; want 500 invalid ipns record", p, r.code, r.body)
				}
			}
		})
	}
}

// TestExpiredRecord: /ipns/ stops at the record's end of life, as in
// kubo; /svc/ goes on, as svcreg resolve does, since the signature holds.
func TestExpiredRecord(t *testing.T) {
	h := newHome(t, 16)
	h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", sayFiles)
	later := h.now.Add(ipns.DefaultLifetime + time.Hour)
	srv := h.serve(t, func(c *cfgT) { c.Now = func() time.Time { return later } })
	r := get(t, "GET", srv.URL+"/ipns/"+h.key.Name()+"/", nil)
	if r.code != 500 || !bytes.Contains(r.body, []byte("expired")) {
		t.Fatalf("/ipns/ after end of life: %d %s", r.code, r.body)
	}
	if r := get(t, "GET", srv.URL+"/ipns/"+h.key.Name()+"?format=ipns-record", nil); r.code == 200 {
		t.Fatal("an expired record was served")
	}
	if r := get(t, "GET", srv.URL+"/routing/v1/ipns/"+h.key.Name(), nil); r.code != http.StatusNotFound || r.header.Get("Content-Type") == "application/vnd.ipfs.ipns-record" {
		t.Fatalf("an expired record on /routing/v1: %d %s, want 404", r.code, r.header.Get("Content-Type"))
	}
	if r := get(t, "GET", srv.URL+"/svc/say/", nil); r.code != 200 {
		t.Fatalf("/svc/ after end of life: %d %s", r.code, r.body)
	}
}

// TestRecordLiveUntilEndOfLife: a record is served up to and including
// its end of life, and not a second later.
func TestRecordLiveUntilEndOfLife(t *testing.T) {
	h := newHome(t, 16)
	h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", sayFiles)
	routing := "/routing/v1/ipns/" + h.key.Name()
	r := get(t, "GET", h.serve(t, nil).URL+routing, nil)
	rec, err := ipns.Verify(h.key.Name(), r.body, h.now)
	if err != nil {
		t.Fatalf("record: %d %v", r.code, err)
	}
	for _, tc := range []struct {
		at   time.Time
		code int
	}{
		{rec.Validity.Add(-time.Second), http.StatusOK},
		{rec.Validity, http.StatusOK},
		{rec.Validity.Add(time.Second), http.StatusNotFound},
	} {
		srv := h.serve(t, func(c *cfgT) { c.Now = func() time.Time { return tc.at } })
		if r := get(t, "GET", srv.URL+routing, nil); r.code != tc.code {
			t.Errorf("%s at %s from the end of life: %d, want %d", routing, tc.at.Sub(rec.Validity), r.code, tc.code)
		}
		if r := get(t, "GET", srv.URL+"/ipns/"+h.key.Name()+"?format=ipns-record", nil); (r.code == 200) != (tc.code == 200) {
			t.Errorf("/ipns/?format=ipns-record at %s from the end of life: %d", tc.at.Sub(rec.Validity), r.code)
		}
	}
}
