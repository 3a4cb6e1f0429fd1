package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C during publish: the process says "interrupted" (not the context
// error of whatever it was reading), exits 130 and leaves the head alone.
func TestInterruptPublish(t *testing.T) {
	home := t.TempDir()
	mustSvcreg(t, home, "init")
	dir := filepath.Join(t.TempDir(), "big")
	for size := 1; size <= 8; size *= 2 {
		for i := range size * 4 {
			writeService(t, filepath.Join(dir, fmt.Sprintf("part%d-%d", size, i)), 1000*size+i)
		}
		var stderr bytes.Buffer
		cmd := svcregCmd(t, home, "publish", "big@1.0.0", dir)
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Signal once the import has begun writing blocks: by then the
		// process handles SIGINT, however slowly it started.
		before := countFiles(t, filepath.Join(home, "blocks"))
		var err error
	wait:
		for {
			select {
			case err = <-done:
				break wait
			case <-time.After(5 * time.Millisecond):
				if countFiles(t, filepath.Join(home, "blocks")) > before {
					_ = cmd.Process.Signal(syscall.SIGINT)
					err = <-done
					break wait
				}
			}
		}
		var ee *exec.ExitError
		if err == nil {
			t.Logf("publish finished before the signal with %d parts; trying a bigger one", size*4)
			home = t.TempDir()
			mustSvcreg(t, home, "init")
			continue
		}
		if !errors.As(err, &ee) || ee.ExitCode() != exitCanceled {
			t.Fatalf("publish after SIGINT: %v, want exit %d\n%s", err, exitCanceled, stderr.String())
		}
		if got := stderr.String(); got != "svcreg: error: interrupted\n" {
			t.Fatalf("stderr after SIGINT:\n%s\nwant one line: svcreg: error: interrupted", got)
		}
		var head struct{ Seq uint64 }
		if err := json.Unmarshal([]byte(mustSvcreg(t, home, "name", "--json")), &head); err != nil || head.Seq != 1 {
			t.Fatalf("head after an interrupted publish: seq %d, %v; want 1", head.Seq, err)
		}
		return
	}
	t.Fatal("every publish finished before SIGINT; the test proved nothing")
}

// The same in-process: a cancelled context (what SIGINT does) during
// publish is exit 130 and one line, whichever step saw it.
func TestInterruptInProcess(t *testing.T) {
	home := t.TempDir()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"svcreg", "init", "--home", home}, &out, &errb); code != 0 {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errb.Reset()
	code := run(ctx, []string{"svcreg", "publish", "tts@1.0.0", dir, "--home", home}, &out, &errb)
	if code != exitCanceled || errb.String() != "svcreg: error: interrupted\n" {
		t.Fatalf("publish with a cancelled context: exit %d, stderr %q", code, errb.String())
	}
}

// countFiles counts the files under dir.
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}
