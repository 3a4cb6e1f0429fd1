package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// svcregCmd returns a command running this test binary as svcreg.
func svcregCmd(t testing.TB, home string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asSvcreg+"=1", "SVCREG_HOME="+home)
	return cmd
}

func mustSvcreg(t testing.TB, home string, args ...string) string {
	t.Helper()
	out, err := svcregOut(t, home, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func svcregOut(t testing.TB, home string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := svcregCmd(t, home, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("svcreg %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// writeService makes a service directory of a few files, large enough that
// an import takes a moment.
func writeService(t testing.TB, dir string, seed int) {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(seed), 1))
	for i := range 20 {
		p := filepath.Join(dir, fmt.Sprintf("d%d", i%3), fmt.Sprintf("f%02d.bin", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 20000+r.IntN(200000))
		for j := range buf {
			buf[j] = byte(r.Uint32())
		}
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkRegistry asserts that the registry opens, that its whole history
// loads, and that every listed release resolves and exports verified.
func checkRegistry(t *testing.T, home string, want map[string]string) {
	t.Helper()
	var head struct{ Seq uint64 }
	if err := json.Unmarshal([]byte(mustSvcreg(t, home, "name", "--json")), &head); err != nil {
		t.Fatal(err)
	}
	var log []struct{ Seq uint64 }
	if err := json.Unmarshal([]byte(mustSvcreg(t, home, "log", "--json")), &log); err != nil {
		t.Fatal(err)
	}
	if uint64(len(log)) != head.Seq {
		t.Fatalf("log has %d states, head is seq %d", len(log), head.Seq)
	}
	for spec, cid := range want {
		if got := strings.TrimSpace(mustSvcreg(t, home, "resolve", spec)); got != cid {
			t.Fatalf("resolve %s = %s, want %s", spec, got, cid)
		}
		out := filepath.Join(t.TempDir(), "out")
		mustSvcreg(t, home, "get", spec, "-o", out)
	}
}

// TestKillDuringPublish kills publishing processes at random moments and
// checks each time that the registry opens, its head points at complete
// data, and every publish that finished is still there.
func TestKillDuringPublish(t *testing.T) {
	if testing.Short() {
		t.Skip("starts many processes")
	}
	home := t.TempDir()
	mustSvcreg(t, home, "init")
	want := map[string]string{}
	r := rand.New(rand.NewPCG(7, 7))
	killed := 0
	for i := range 24 {
		dir := filepath.Join(t.TempDir(), "svc")
		writeService(t, dir, i)
		spec := fmt.Sprintf("svc%d@1.0.%d", i%3, i)
		var stdout bytes.Buffer
		cmd := svcregCmd(t, home, "publish", spec, dir)
		cmd.Stdout = &stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("publish %s: %v", spec, err)
			}
		case <-time.After(time.Duration(r.IntN(120)) * time.Millisecond):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			if err := <-done; err != nil {
				killed++
			}
		}
		if fields := strings.Fields(stdout.String()); len(fields) == 2 {
			want[spec] = fields[1] // the publish finished before the kill
		}
		checkRegistry(t, home, want)
	}
	t.Logf("%d of 24 publishes killed, %d finished", killed, len(want))
	if killed == 0 {
		t.Fatal("no publish was interrupted; the test proved nothing")
	}
}

// TestParallelPublishers runs several publishing processes at once and
// checks that no release is lost.
func TestParallelPublishers(t *testing.T) {
	home := t.TempDir()
	mustSvcreg(t, home, "init")
	const n = 8
	var mu sync.Mutex
	want := map[string]string{}
	var wg sync.WaitGroup
	for i := range n {
		dir := filepath.Join(t.TempDir(), "svc")
		writeService(t, dir, 100+i)
		wg.Go(func() {
			spec := fmt.Sprintf("svc%d@1.0.%d", i%2, i)
			out, err := svcregOut(t, home, "publish", spec, dir)
			fields := strings.Fields(out)
			if err != nil || len(fields) != 2 {
				t.Errorf("publish %s: %q %v", spec, out, err)
				return
			}
			mu.Lock()
			want[spec] = fields[1]
			mu.Unlock()
		})
	}
	wg.Wait()
	checkRegistry(t, home, want)
	var head struct{ Seq uint64 }
	if err := json.Unmarshal([]byte(mustSvcreg(t, home, "name", "--json")), &head); err != nil {
		t.Fatal(err)
	}
	if head.Seq != n+1 {
		t.Fatalf("head seq %d after %d publishes, want %d", head.Seq, n, n+1)
	}
}
