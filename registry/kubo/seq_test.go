package kubo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/svcreg/svcreg/registry/kubo"
)

// An online kubo refuses a record whose sequence is not above its own;
// an offline one does not check, so this answer is replayed here.
func TestPutRecordSeqError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v0/name/put" || r.URL.Query().Get("allow-offline") != "true" {
			t.Errorf("request %s", r.URL)
		}
		if _, _, err := r.FormFile("file"); err != nil {
			t.Errorf("no record file: %v", err)
		}
		w.WriteHeader(500)
		w.Write([]byte(`{"Message":"existing IPNS record has sequence 7 >= new record sequence 5, use 'ipfs name put --force' to skip this check","Code":0,"Type":"error"}`))
	}))
	defer srv.Close()
	k, _ := kubo.New(srv.URL, nil)
	var se *kubo.SeqError
	err := k.PutRecord(context.Background(), "k51x", []byte("rec"))
	if !errors.As(err, &se) || se.Have != 7 || se.New != 5 {
		t.Fatalf("got %v", err)
	}
}
