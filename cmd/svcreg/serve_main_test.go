package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// svcregProc runs svcreg (this test binary, as a process) on home and returns its standard output.
func svcregProc(t *testing.T, home string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := svcregCmd(t, home, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("svcreg %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// listening matches the line svcreg serve prints once it accepts requests.
var listening = regexp.MustCompile(`^svcreg serve: (http://\S+/) registry `)

// startServe runs `svcreg serve` on home on a free loopback port and
// returns its base URL (no trailing slash). It stops the server, with
// SIGTERM, when the test ends and checks that it exited cleanly.
func startServe(t *testing.T, home string, args ...string) string {
	t.Helper()
	return runServeCmd(t, svcregCmd(t, home, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...), true)
}

// runServeCmd starts cmd, a `svcreg serve`, and returns its base URL once
// it listens. It stops the server with SIGTERM when the test ends; with
// clean, it checks that the server exited cleanly.
func runServeCmd(t *testing.T, cmd *exec.Cmd, clean bool) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, out)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil && clean {
			t.Errorf("svcreg serve did not stop cleanly: %v\n%s", err, stderr.String())
		}
	})
	select {
	case u := <-found:
		return strings.TrimSuffix(u, "/")
	case <-time.After(30 * time.Second):
		t.Fatalf("svcreg serve did not start\n%s", stderr.String())
	}
	return ""
}

// fetch GETs url and returns the status, a header and the body.
func fetch(t *testing.T, url, header string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get(header), string(b)
}

// copyDir copies the regular files of src into a new directory dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
