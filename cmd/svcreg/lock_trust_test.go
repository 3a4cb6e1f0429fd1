package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLockTrustRoot: a client locks a registry started with init
// --roles from a gateway; the lock is version 2 and records the Root.
// A lock whose root was edited to another CID fails check with exit 20
// and one error line; lock refuses it too and leaves it as it was. A
// version-1 lock still checks and lock upgrades it; svcreg.json may pin
// the Root.
func TestLockTrustRoot(t *testing.T) {
	pub, name, _ := rolesPublisher(t)
	_, _, rf := floors(t, pub, name)
	g := newGateway(t, pub)
	project := writeProject(t, name, g.URL)
	lockPath := filepath.Join(filepath.Dir(project), lockFile)
	client := filepath.Join(t.TempDir(), "client")

	out := procMust(t, client, "lock", "--project", project)
	if !strings.Contains(out, "trust   root v1 "+rf.Root.String()+" (trusted on first use") {
		t.Fatalf("lock:\n%s", out)
	}
	good, err := os.ReadFile(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	trustBlock := "  \"trust\": {\n    \"root\": {\"/\": \"" + rf.Root.String() + "\"},\n    \"rootVersion\": 1\n  }\n}\n"
	if !strings.HasPrefix(string(good), "{\n  \"lockfileVersion\": 2,\n") || !strings.HasSuffix(string(good), trustBlock) {
		t.Fatalf("lock:\n%s", good)
	}
	procMust(t, client, "check", "--project", project, "--offline")

	// the trust root edited to the manifest's CID (valid, but no Root)
	manifestRoot := regexp.MustCompile(`(?m)^  "root": \{"/": "([a-z0-9]+)"\},$`).FindSubmatch(good)
	if manifestRoot == nil {
		t.Fatalf("no root line in\n%s", good)
	}
	edited := strings.Replace(string(good), `"root": {"/": "`+rf.Root.String()+`"}`, `"root": {"/": "`+string(manifestRoot[1])+`"}`, 1)
	if edited == string(good) {
		t.Fatal("nothing edited")
	}
	if err := os.WriteFile(lockPath, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	r := procFails(t, exitRootDiverged, "svcreg: error: check "+lockPath+": 1 problem (diverged)", client, "check", "--project", project, "--offline")
	if n := strings.Count(r.stderr, "svcreg: error:"); n != 1 || strings.Count(r.stderr, "\n") != 2 ||
		!strings.Contains(r.stdout, "diverged: the registry's root does not descend from the trusted root: "+name+": its root v1 "+rf.Root.String()+
			" does not descend from the lock's root v1 "+string(manifestRoot[1])) {
		t.Fatalf("check: %d error lines\nstdout:\n%s\nstderr:\n%s", n, r.stdout, r.stderr)
	}
	r = procFails(t, exitRootDiverged, "does not descend from the lock's root", client, "lock", "--project", project, "--offline", "--json")
	var je errorOut
	if err := json.Unmarshal([]byte(r.stdout), &je); err != nil || je.Error.Class != "root_diverged" || je.Error.Code != 20 {
		t.Fatalf("lock --json: %v\n%s", err, r.stdout)
	}
	if after, _ := os.ReadFile(lockPath); string(after) != edited {
		t.Fatalf("lock rewrote a diverged lock:\n%s", after)
	}

	// a version-1 lock of the same registry checks, and lock upgrades it
	v1 := strings.Replace(strings.TrimSuffix(string(good), trustBlock), `"lockfileVersion": 2`, `"lockfileVersion": 1`, 1)
	v1 = strings.TrimSuffix(v1, ",\n") + "\n}\n"
	if err := os.WriteFile(lockPath, []byte(v1), 0o644); err != nil {
		t.Fatal(err)
	}
	procMust(t, client, "check", "--project", project, "--offline")
	if out := procMust(t, client, "lock", "--project", project, "--offline"); !strings.Contains(out, "trust   root v1") || !strings.Contains(out, "written") {
		t.Fatalf("lock of a version-1 lock:\n%s", out)
	}
	if after, _ := os.ReadFile(lockPath); string(after) != string(good) {
		t.Fatalf("upgraded lock:\n%s\nwant\n%s", after, good)
	}

	// svcreg.json pins the Root: the same one locks, another is refused,
	// one that is not a Root block's CID is a usage error
	pin := func(root string) {
		t.Helper()
		body := `{"registry": "` + name + `", "gateways": ["` + g.URL + `"], "root": "` + root + `", "services": {"tts": "^1.0.0", "web": "~2"}}`
		if err := os.WriteFile(project, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pin(rf.Root.String())
	if out := procMust(t, client, "lock", "--project", project, "--offline"); !strings.Contains(out, "is up to date") {
		t.Fatalf("lock with a matching pin:\n%s", out)
	}
	procMust(t, client, "check", "--project", project, "--offline")
	pin(string(manifestRoot[1]))
	procFails(t, exitRootDiverged, "does not descend from svcreg.json's root "+string(manifestRoot[1]), client, "lock", "--project", project, "--offline")
	procFails(t, exitRootDiverged, "1 problem (diverged)", client, "check", "--project", project, "--offline")
	pin("bafy-not-a-cid")
	procFails(t, exitUsage, `root: "bafy-not-a-cid" is not a CID`, client, "lock", "--project", project, "--offline")
}
