package gateway_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// TestPutResignedRecord: a record for the same sequence and root that
// ends later (a re-signed one) replaces the stored record; one that ends
// earlier is accepted as already known and changes nothing.
func TestPutResignedRecord(t *testing.T) {
	h := newHome(t, 50)
	h.init(t, h.key)
	followed := seedKey(t, 51)
	first := h.init(t, followed)
	srv := h.serve(t, nil)

	later := h.signer(followed, 72*time.Hour) // the default lifetime is 48 h
	resigned, err := later.Sign(first.Root, first.Seq)
	if err != nil {
		t.Fatal(err)
	}
	earlier, err := h.signer(followed, time.Hour).Sign(first.Root, first.Seq)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		desc   string
		record []byte
		want   []byte // the stored record after the request
	}{
		{"later end of life", resigned, resigned},
		{"earlier end of life", earlier, resigned},
	} {
		r := get(t, "PUT", srv.URL+"/routing/v1/ipns/"+followed.Name(), tt.record, "Content-Type", recordType)
		if r.code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", tt.desc, r.code, r.body)
		}
		head, err := h.indexHead(t, followed.Name())
		if err != nil || head.Seq != first.Seq || !head.Root.Equals(first.Root) || !bytes.Equal(head.Record, tt.want) {
			t.Fatalf("%s: head seq %d (%v), record replaced as expected: %v", tt.desc, head.Seq, err, bytes.Equal(head.Record, tt.want))
		}
	}
}
