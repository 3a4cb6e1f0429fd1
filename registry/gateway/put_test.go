package gateway_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/routing/http/client"
)

const recordType = "application/vnd.ipfs.ipns-record"

// TestPutRecord offers records for a followed registry (one whose head
// is in the index), in the order a follower would meet them.
func TestPutRecord(t *testing.T) {
	h := newHome(t, 40)
	h.init(t, h.key)
	followed := seedKey(t, 41)
	first := h.init(t, followed) // the index has its head: this home follows it
	stranger := seedKey(t, 42)
	srv := h.serve(t, nil)

	pub := h.publication(t, "tts@1.0.0", map[string]string{"index.html": "tts"})
	seq2 := h.detachedState(t, followed, pub, true)
	seq3NoBlocks := h.detachedState(t, followed, h.publication(t, "tts@1.0.1", map[string]string{"index.html": "x"}), false)
	strangerFirst := h.detachedInit(t, stranger) // a registry this home does not follow

	tamper := bytes.Clone(seq2.Record)
	tamper[len(tamper)-5] ^= 1

	tests := []struct {
		desc        string
		name        string
		record      []byte
		contentType string
		code        int
		seqAfter    uint64 // the followed registry's head after the request
	}{
		{"wrong content type", followed.Name(), seq2.Record, "application/octet-stream", http.StatusNotAcceptable, 1},
		{"tampered record", followed.Name(), tamper, recordType, http.StatusBadRequest, 1},
		{"record of another name", followed.Name(), strangerFirst.Record, recordType, http.StatusBadRequest, 1},
		{"not followed", stranger.Name(), strangerFirst.Record, recordType, http.StatusForbidden, 1},
		{"blocks missing", followed.Name(), seq3NoBlocks.Record, recordType, http.StatusUnprocessableEntity, 1},
		{"newer state", followed.Name(), seq2.Record, recordType, http.StatusOK, 2},
		{"same record again", followed.Name(), seq2.Record, recordType, http.StatusOK, 2},
		{"rollback", followed.Name(), first.Record, recordType, http.StatusConflict, 2},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			r := get(t, "PUT", srv.URL+"/routing/v1/ipns/"+tt.name, tt.record, "Content-Type", tt.contentType)
			if r.code != tt.code {
				t.Fatalf("status %d, want %d: %s", r.code, tt.code, r.body)
			}
			head, err := h.indexHead(t, followed.Name())
			if err != nil || head.Seq != tt.seqAfter {
				t.Fatalf("followed head seq %d (%v), want %d", head.Seq, err, tt.seqAfter)
			}
		})
	}
	if _, err := h.indexHead(t, stranger.Name()); err == nil {
		t.Fatal("the stranger's head was stored")
	}
	// The accepted state is served at once.
	r := get(t, "GET", srv.URL+"/ipns/"+followed.Name()+"/services/tts/versions/1.0.0/content/", nil)
	if r.code != 200 || string(r.body) != "tts" {
		t.Fatalf("accepted state: %d %q", r.code, r.body)
	}
}

// TestPutRecordClient pushes with boxo's delegated routing client, as
// another svcreg or kubo would.
func TestPutRecordClient(t *testing.T) {
	h := newHome(t, 43)
	h.init(t, h.key)
	next := h.detachedState(t, h.key, h.publication(t, "say@1.0.0", sayFiles), true)
	srv := h.serve(t, nil)
	c, err := client.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := ipnsrec.NameFromString(h.key.Name())
	rec, err := ipnsrec.UnmarshalRecord(next.Record)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PutIPNS(context.Background(), name, rec); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetIPNS(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	if seq, _ := got.Sequence(); seq != next.Seq {
		t.Fatalf("GetIPNS after PutIPNS: seq %d, want %d", seq, next.Seq)
	}
	if r := get(t, "GET", srv.URL+"/svc/say/", nil); r.code != 200 {
		t.Fatalf("/svc/ after a pushed record: %d %s", r.code, r.body)
	}
}
