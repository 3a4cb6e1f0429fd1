package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry/flatfs"
)

// TestServeStorageMax: a mirror whose blocks take more than --storage-max
// runs gc: blocks no head reaches, written before the grace, go; a young
// one stays, and so does everything the followed registry reaches.
func TestServeStorageMax(t *testing.T) {
	pub, name := publisher(t)
	good := newGateway(t, pub)
	home := filepath.Join(t.TempDir(), "m")
	must(t, home, "resolve", "tts", "--registry", name, "--gateway", good.URL)
	bs, err := flatfs.Open(filepath.Join(home, blocksDir), &flatfs.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var old []cid.Cid
	for i := range 16 {
		data := bytes.Repeat([]byte(fmt.Sprintf("unreachable %02d ", i)), 512)
		c := rawCidOf(string(data))
		if err := bs.Put(t.Context(), c, data); err != nil {
			t.Fatal(err)
		}
		old = append(old, c)
	}
	then := time.Now().Add(-2 * time.Hour)
	filepath.WalkDir(filepath.Join(home, blocksDir), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".data") {
			os.Chtimes(p, then, then)
		}
		return nil
	})
	young := rawCidOf("unreachable, but written just now")
	if err := bs.Put(t.Context(), young, []byte("unreachable, but written just now")); err != nil {
		t.Fatal(err)
	}

	m := startServer(t, home, "--follow", name, "--upstream", good.URL, "--storage-max", "64KiB")
	waitFor(t, 10*time.Second, "gc removes the old unreachable blocks", func() bool {
		for _, c := range old {
			if ok, _ := bs.Has(t.Context(), c); ok {
				return false
			}
		}
		return true
	})
	if ok, _ := bs.Has(t.Context(), young); !ok {
		t.Fatal("gc removed a block younger than its grace")
	}
	if code, _, body := fetch(t, m.URL()+"/svc/tts@1.0.0/index.html", ""); code != 200 || body != "one" {
		t.Fatalf("after gc: %d %q", code, body)
	}
	m.stop(syscall.SIGTERM)
	if !strings.Contains(m.stderr.String(), `"msg":"storage: gc"`) {
		t.Fatalf("no gc in the log:\n%s", m.stderr)
	}
}
