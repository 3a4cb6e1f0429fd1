package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/ipfs/go-cid"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/svcreg/svcreg/registry/flatfs"
)

// movedGateway is "movedgateway HOME": a trustless gateway over the
// blocks of HOME, a home whose registry moved, serving the final record
// it keeps for the old name, until the script ends. It sets $GATEWAY to
// its URL and $OLD to the old name.
func movedGateway(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: movedgateway HOME")
	}
	home := ts.MkAbs(args[0])
	records, err := os.ReadDir(filepath.Join(home, "records"))
	if err != nil || len(records) != 1 {
		ts.Fatalf("records of %s: %v %v", home, records, err)
	}
	name := records[0].Name()
	record, err := os.ReadFile(filepath.Join(home, "records", name))
	ts.Check(err)
	bs, err := flatfs.Open(filepath.Join(home, blocksDir), &flatfs.Options{NoSync: true})
	ts.Check(err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/ipns/"+name:
			w.Header().Set("Content-Type", "application/vnd.ipfs.ipns-record")
			w.Write(record)
		case strings.HasPrefix(p, "/ipfs/"):
			c, err := cid.Decode(strings.TrimPrefix(p, "/ipfs/"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			data, err := bs.Get(r.Context(), c)
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/vnd.ipld.raw")
			w.Write(data)
		default:
			http.NotFound(w, r)
		}
	}))
	ts.Defer(srv.Close)
	ts.Setenv("GATEWAY", srv.URL)
	ts.Setenv("OLD", name)
}
