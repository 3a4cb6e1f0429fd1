package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseResolve(t *testing.T) {
	tests := []struct {
		args []string
		ok   bool
		want resolveArgs
	}{
		{[]string{"resolve", "tts"}, true, resolveArgs{spec: "tts"}},
		{[]string{"resolve", "tts@^1", "--json"}, true, resolveArgs{spec: "tts@^1", json: true}},
		{[]string{"--json", "resolve", "tts"}, true, resolveArgs{spec: "tts", json: true}},
		{[]string{"resolve", "--home", "h", "tts"}, true, resolveArgs{spec: "tts", home: "h"}},
		{[]string{"resolve", "tts", "--home=h"}, true, resolveArgs{spec: "tts", home: "h"}},
		{[]string{"resolve", "tts", "--offline"}, false, resolveArgs{}},
		{[]string{"resolve", "tts", "--registry", "k51x"}, false, resolveArgs{}},
		{[]string{"resolve"}, false, resolveArgs{}},
		{[]string{"resolve", "a", "b"}, false, resolveArgs{}},
		{[]string{"ls", "tts"}, false, resolveArgs{}},
		{[]string{"resolve", "--home"}, false, resolveArgs{}},
		{[]string{"resolve", "-h"}, false, resolveArgs{}},
	}
	for _, tt := range tests {
		got, ok := parseResolve(tt.args)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseResolve(%q) = %+v, %v; want %+v, %v", tt.args, got, ok, tt.want, tt.ok)
		}
	}
}

// buildBinaries builds the front and the core into one directory.
func buildBinaries(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, pkg := range map[string]string{"svcreg": ".", "svcreg-core": "../svcreg-core"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, name), pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("build %s: %v\n%s", pkg, err, out)
		}
	}
	return dir
}

func runBin(t *testing.T, bin, home string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "SVCREG_HOME="+home)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// TestFrontMatchesCore checks that the front answers exactly as the core
// does, hands everything else over, and really answers warm resolves
// alone: once the cache is warm it works with the core removed.
func TestFrontMatchesCore(t *testing.T) {
	dir := buildBinaries(t)
	front, core := filepath.Join(dir, "svcreg"), filepath.Join(dir, "svcreg-core")
	home := t.TempDir()
	for _, args := range [][]string{{"init"}, {"publish", "say@1.0.0", "../../examples/say"}} {
		if _, stderr, code := runBin(t, front, home, args...); code != 0 {
			t.Fatalf("svcreg %v: exit %d: %s", args, code, stderr)
		}
	}
	queries := [][]string{
		{"resolve", "say@^1"},
		{"resolve", "say@^1", "--json"},
		{"--json", "resolve", "say"},
	}
	want := map[int]string{}
	for i, q := range queries {
		coreOut, _, code := runBin(t, core, home, q...)
		if code != 0 || coreOut == "" {
			t.Fatalf("core %v: exit %d, %q", q, code, coreOut)
		}
		want[i] = coreOut
		for range 2 { // first through the core (cache miss or hit), then warm
			if got, _, _ := runBin(t, front, home, q...); got != coreOut {
				t.Fatalf("front %v = %q, core says %q", q, got, coreOut)
			}
		}
	}
	if _, stderr, code := runBin(t, front, home, "resolve", "nope"); code != 3 || !strings.Contains(stderr, "service not found") {
		t.Fatalf("front resolve nope: exit %d, %q; want the core's exit 3", code, stderr)
	}
	if err := os.Remove(core); err != nil {
		t.Fatal(err)
	}
	for i, q := range queries {
		if got, stderr, code := runBin(t, front, home, q...); code != 0 || got != want[i] {
			t.Fatalf("front %v without the core: exit %d, %q (%s); the fast path did not answer", q, code, got, stderr)
		}
	}
	if _, stderr, code := runBin(t, front, home, "ls"); code == 0 || !strings.Contains(stderr, "svcreg-core") {
		t.Fatalf("front ls without the core: exit %d, %q; want a clear error", code, stderr)
	}
}
