// Package peek reads one answer from svcreg's index file — the resolution
// cached for a query at a registry's current head — with the standard
// library and bbolt alone. svcreg's warm resolve runs it before the rest
// of the program is initialised (registry/home/warm), so it may link
// nothing heavier. It never writes, and it reports "no answer" on any
// doubt, leaving the question to the full implementation (registry/bolt):
// an answer is given only when its check (a SHA-256 over the registry
// name, the root, the query and the answer) matches.
package peek

import (
	"bytes"
	"encoding/base32"
	"os"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/svcreg/svcreg/registry/bolt/internal/layout"
)

// Answer is a cached resolution, with the CID in its string form.
type Answer struct {
	Service, Version, CID string
}

// Resolution returns the answer cached for query at the current head of
// the registry name in the index file at path. It waits at most timeout
// for another process's lock. ok is false when there is no such answer or
// anything about the file is in doubt.
func Resolution(path, name, query string, timeout time.Duration) (a Answer, ok bool) {
	if !plausibleFile(path) {
		return Answer{}, false
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: timeout})
	if err != nil {
		return Answer{}, false
	}
	defer db.Close()
	db.View(func(tx *bbolt.Tx) error {
		a, ok = lookup(tx, name, query)
		return nil
	})
	return a, ok
}

// plausibleFile reports whether path is a regular file that holds every
// page its newest valid meta page names, so that a truncated file is never
// mapped here.
func plausibleFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	// bbolt maps the pages its meta page names: a file shorter than that
	// (truncated) would crash the process with SIGBUS.
	m, err := layout.ReadMeta(f)
	return err == nil && m.Check(fi.Size()) == nil
}

func lookup(tx *bbolt.Tx, name, query string) (Answer, bool) {
	meta := tx.Bucket(layout.BucketMeta)
	if meta == nil || !bytes.Equal(meta.Get(layout.KeyLayout), []byte{layout.Version}) {
		return Answer{}, false
	}
	heads, res := tx.Bucket(layout.BucketHeads), tx.Bucket(layout.BucketResolutions)
	if heads == nil || res == nil {
		return Answer{}, false
	}
	h, err := layout.DecodeHead(heads.Get([]byte(name)))
	if err != nil || len(h.Root) == 0 || h.Seq == 0 {
		return Answer{}, false
	}
	b := res.Bucket([]byte(name))
	if b == nil {
		return Answer{}, false
	}
	key := layout.ResolutionKey(string(h.Root), query)
	v := b.Get(key)
	if v == nil {
		return Answer{}, false
	}
	// An answer without a check, or one failing it, is left to the full
	// program, which drops or replaces it (and says so).
	r, err := layout.DecodeResolution(name, key, v)
	if err != nil || len(r.Service) == 0 || len(r.Version) == 0 {
		return Answer{}, false
	}
	c, ok := cidString(r.CID)
	if !ok {
		return Answer{}, false
	}
	return Answer{Service: string(r.Service), Version: string(r.Version), CID: c}, true
}

// base32Lower is multibase 'b': RFC 4648 base32, lower case, no padding.
var base32Lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// cidString returns the string form of CIDv1 bytes, as go-cid prints
// them (multibase base32). It reports false for anything else.
func cidString(b []byte) (string, bool) {
	if len(b) < 4 || b[0] != 0x01 {
		return "", false
	}
	var s strings.Builder
	s.WriteByte('b')
	s.WriteString(base32Lower.EncodeToString(b))
	return s.String(), true
}
