package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestGCGraceZeroWhilePublishing runs 'gc --grace 0s' in a loop while
// publishes run: gc must not remove a temporary file a publish is still
// writing, nor a block it committed but has not linked from a head yet,
// so every publish succeeds, and fsck then finds every head complete.
func TestGCGraceZeroWhilePublishing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts many processes")
	}
	home := t.TempDir()
	mustSvcreg(t, home, "init")
	const n = 6
	dirs := make([]string, n)
	for i := range dirs {
		dirs[i] = filepath.Join(t.TempDir(), "svc")
		smallService(t, dirs[i], 100+i)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var once sync.Once
	halt := func() { once.Do(func() { close(stop); wg.Wait() }) }
	defer halt()
	runs := 0
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, ok := gcReport(t, home, "--grace", "0s"); !ok {
				return
			}
			runs++
		}
	})
	want := map[string]string{}
	for i := range n {
		spec := fmt.Sprintf("svc%d@1.0.0", i)
		out, err := svcregOut(t, home, "publish", spec, dirs[i])
		if err != nil {
			t.Fatalf("publish beside 'gc --grace 0s': %v", err)
		}
		fields := strings.Fields(out)
		if len(fields) != 2 {
			t.Fatalf("publish %s printed %q", spec, out)
		}
		want[spec] = fields[1]
	}
	halt()
	if t.Failed() {
		return
	}
	if runs < 2 {
		t.Fatalf("only %d gc runs during %d publishes: the test proved nothing", runs, n)
	}
	checkAfterGC(t, home, want)
}
