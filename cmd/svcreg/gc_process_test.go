package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/maint"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// smallService makes a service directory of many small files: many
// blocks, little work.
func smallService(t testing.TB, dir string, seed int) {
	t.Helper()
	for i := range 24 {
		p := filepath.Join(dir, fmt.Sprintf("d%d", i%4), fmt.Sprintf("f%02d.txt", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		body := strings.Repeat(fmt.Sprintf("service %d file %d\n", seed, i), 50)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGCWhilePublishing runs gc in a loop while a publisher publishes
// directories whose blocks are already stored but unreachable and old —
// what interrupted publishes leave behind, exactly what gc removes. A
// publish touches the blocks it links, and gc removes a block only when
// it is older than the grace period at the moment of removal, so no head
// may ever point at a removed block: fsck must find every head complete
// and every release must export.
func TestGCWhilePublishing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts many processes")
	}
	ctx := context.Background()
	home := t.TempDir()
	mustSvcreg(t, home, "init")
	const n = 8
	dirs := make([]string, n+1)
	for i := range dirs {
		dirs[i] = filepath.Join(t.TempDir(), "svc")
		smallService(t, dirs[i], i)
	}
	// Leftovers of interrupted publishes: imported, never linked, old.
	bs, err := flatfs.Open(filepath.Join(home, blocksDir), &flatfs.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if _, err := unixfs.Import(ctx, bs.Blockstore(), d, unixfs.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	bs.Close()
	old := time.Now().Add(-2 * time.Hour)
	filepath.WalkDir(filepath.Join(home, blocksDir), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".data") {
			os.Chtimes(p, old, old)
		}
		return nil
	})

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var once sync.Once
	halt := func() { once.Do(func() { close(stop); wg.Wait() }) }
	defer halt() // also when a publish fails the test
	var runs, removed int
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			res, ok := gcReport(t, home, "--grace", "30m", "--keep-history", "2")
			if !ok {
				return
			}
			runs++
			removed += res.Blocks
		}
	})
	want := map[string]string{}
	for i := range n { // dirs[n] is never published: gc must free it
		spec := fmt.Sprintf("svc%d@1.0.%d", i%3, i)
		fields := strings.Fields(mustSvcreg(t, home, "publish", spec, dirs[i]))
		if len(fields) != 2 {
			t.Fatalf("publish %s printed %q", spec, fields)
		}
		want[spec] = fields[1]
	}
	halt()
	if t.Failed() {
		return
	}
	t.Logf("%d gc runs during %d publishes removed %d blocks", runs, n, removed)
	if runs < 2 || removed == 0 {
		t.Fatalf("%d gc runs removed %d blocks: the test proved nothing", runs, removed)
	}
	checkAfterGC(t, home, want)
	for spec := range want {
		mustSvcreg(t, home, "get", spec, "-o", filepath.Join(t.TempDir(), "out"))
	}
}

// gcReport runs `svcreg gc --json` with args on home, from any goroutine,
// and decodes its report; a failure is a test error and ok is false.
func gcReport(t *testing.T, home string, args ...string) (res maint.GCReport, ok bool) {
	out, err := svcregOut(t, home, append([]string{"gc", "--json"}, args...)...)
	if err != nil {
		t.Errorf("gc: %v", err)
		return res, false
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Errorf("gc output %q: %v", out, err)
		return res, false
	}
	return res, true
}

// checkAfterGC checks that fsck finds home complete and that each spec
// of want still resolves to its CID.
func checkAfterGC(t *testing.T, home string, want map[string]string) {
	t.Helper()
	out := mustSvcreg(t, home, "fsck")
	if !strings.Contains(out, "0 missing, 0 corrupt") || strings.Contains(out, "problem") {
		t.Fatalf("fsck after gc:\n%s", out)
	}
	for spec, c := range want {
		if got := strings.TrimSpace(mustSvcreg(t, home, "resolve", spec)); got != c {
			t.Fatalf("resolve %s = %s, want %s", spec, got, c)
		}
	}
}
