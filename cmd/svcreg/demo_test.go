package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// TestDemo runs `make demo`'s script with this test binary as svcreg: it
// must serve the example and fetch a page through the server, print the
// URL and how to keep it up, and leave neither a process nor its
// temporary home behind.
func TestDemo(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("the demo fetches with curl (make demo installs it: .ci/deps demo)")
	}
	tmp := t.TempDir()
	wrapper := filepath.Join(tmp, "svcreg")
	script := "#!/bin/sh\n" + asSvcreg + "=1 exec '" + os.Args[0] + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	demoTmp := filepath.Join(tmp, "tmp")
	if err := os.Mkdir(demoTmp, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "../../tools/demo.sh")
	cmd.Env = append(os.Environ(), "SVCREG="+wrapper, "TMPDIR="+demoTmp)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{
		`(?m)^resolve say@\^1 -> bafy`,
		`(?m)^served: http://127\.0\.0\.1:\d+/svc/say@\^1/\?say=hello%20from%20svcreg \(\d+ bytes`,
		`(?m)^to keep it up for a browser: make demo SERVE=1`,
	} {
		if !regexp.MustCompile(want).Match(out) {
			t.Errorf("demo output lacks %s:\n%s", want, out)
		}
	}
	// the server is stopped
	if m := regexp.MustCompile(`served: http://(127\.0\.0\.1:\d+)/`).FindSubmatch(out); m != nil {
		if c, err := net.DialTimeout("tcp", string(m[1]), time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after the demo", m[1])
		}
	}
	if left, _ := os.ReadDir(demoTmp); len(left) != 0 {
		t.Errorf("the demo left %v in TMPDIR", left)
	}
}

// TestDepsNotRoot checks .ci/deps for a user who is not root and lacks
// what the target needs: one line saying exactly what to install, exit 1.
func TestDepsNotRoot(t *testing.T) {
	setpriv, err := exec.LookPath("setpriv")
	if os.Getuid() != 0 || err != nil {
		t.Skip("needs root and setpriv to run the script as another user")
	}
	asNobody := []string{"--reuid=65534", "--regid=65534", "--clear-groups", "/bin/bash"}
	if err := exec.Command(setpriv, append(asNobody, "-c", ": >/dev/null")...).Run(); err != nil {
		t.Skipf("nobody (uid 65534) cannot write /dev/null here, which the script's checks redirect to (%v)", err)
	}
	for target, pkg := range map[string]string{"test": "chromium nodejs npm strace", "demo": "curl"} {
		cmd := exec.Command(setpriv, append(asNobody, "../../.ci/deps", target)...)
		cmd.Env = []string{"PATH=/nonexistent"} // no browser, no node, no curl
		out, err := cmd.CombinedOutput()
		want := "make " + target + " needs " + pkg + ": install it (on Debian: sudo apt-get install -y " + pkg + ") and run make " + target + " again\n"
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || string(out) != want {
			t.Errorf("deps %s: %v\n got %q\nwant %q", target, err, out, want)
		}
	}
}
