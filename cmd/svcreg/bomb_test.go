package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
)

// bombTimeout bounds a svcreg process given an expansion bomb: the code
// these tests guard against ran for minutes on one.
const bombTimeout = 60 * time.Second

// storeBomb stores, in the home dir, a tree whose directories link the
// same child twice at each of levels levels above one file of fileSize
// bytes (levels+1 blocks, 2^levels files), and returns its root and the
// size it expands to.
func storeBomb(t testing.TB, dir string, levels, fileSize int) (cid.Cid, uint64) {
	t.Helper()
	ctx := context.Background()
	bs, err := flatfs.Open(filepath.Join(dir, blocksDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	dag := merkledag.NewDAGService(blockservice.New(bs.Blockstore(), nil))
	var child ipld.Node = merkledag.NewRawNode(bytes.Repeat([]byte("x"), fileSize))
	if err := dag.Add(ctx, child); err != nil {
		t.Fatal(err)
	}
	for range levels {
		d := ft.EmptyDirNode()
		for _, name := range []string{"a", "b"} {
			if err := d.AddNodeLink(name, child); err != nil {
				t.Fatal(err)
			}
		}
		if err := dag.Add(ctx, d); err != nil {
			t.Fatal(err)
		}
		child = d
	}
	return child.Cid(), uint64(fileSize) << levels
}

// libraryRegistry opens the registry in the home dir through the
// library, as a publisher with the key could; done closes it. No svcreg
// process may have the home open.
func libraryRegistry(t testing.TB, dir string) (reg *registry.Registry, done func()) {
	t.Helper()
	key, err := ipns.LoadKey(filepath.Join(dir, keyFile))
	if err != nil {
		t.Fatal(err)
	}
	bs, err := flatfs.Open(filepath.Join(dir, blocksDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bolt.Open(filepath.Join(dir, indexFile), nil)
	if err != nil {
		bs.Close()
		t.Fatal(err)
	}
	done = func() { idx.Close(); bs.Close() }
	reg, err = registry.New(registry.Config{Blocks: bs, Index: idx, Signer: ipns.NewSigner(key)})
	if err != nil {
		done()
		t.Fatal(err)
	}
	return reg, done
}

// recordRelease records name@version -> content of size bytes in the home
// dir through the library, as a publisher with the key could, whatever
// the content is. No svcreg process may have the home open.
func recordRelease(t testing.TB, dir, name, version string, content cid.Cid, size uint64) {
	t.Helper()
	reg, done := libraryRegistry(t, dir)
	defer done()
	_, _, err := reg.Publish(context.Background(), registry.Publication{Service: manifest.Name(name),
		Version: manifest.MustParseVersion(version), Content: content, Size: size, Profile: "unixfs-v1-2025"})
	if err != nil {
		t.Fatal(err)
	}
}

// svcregBounded runs svcreg as a process in dir, killing it (and failing
// the test) if it runs longer than bombTimeout.
func svcregBounded(t *testing.T, home, dir string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := svcregCmd(t, home, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{stdout.String(), stderr.String(), code}
	case <-time.After(bombTimeout):
		cmd.Process.Kill()
		<-done
		t.Fatalf("svcreg %s still running after %s", strings.Join(args, " "), bombTimeout)
		return result{}
	}
}

// emptyDir fails the test unless dir has no entries.
func emptyDir(t *testing.T, dir string) {
	t.Helper()
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Fatalf("%s: %d entries left behind (%v)", dir, len(entries), err)
	}
}

// TestGetInstallRefuseBombs: a release of 41 blocks that expands to 2^40
// files and 1 TiB, recorded with that size, is refused by get and install
// at once (exit 5), and so is a 17-block release of 65,536 files beyond a
// consumer's --max-files; nothing is written.
func TestGetInstallRefuseBombs(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	name := must(t, home, "init")
	root, size := storeBomb(t, home, 40, 1)
	recordRelease(t, home, "bomb", "1.0.0", root, size)
	root, size = storeBomb(t, home, 16, 12<<10)
	recordRelease(t, home, "wide", "1.0.0", root, size)

	work := t.TempDir()
	for _, args := range [][]string{
		{"get", "bomb@1.0.0", "-o", "out"},
		{"get", "bomb@1.0.0", "-o", "out", "--max-size", "2TiB"},
		{"get", "wide@1.0.0", "-o", "out", "--max-files", "1000"},
		{"get", "wide@1.0.0", "-o", "out", "--max-size", "100MiB"},
	} {
		start := time.Now()
		r := svcregBounded(t, home, work, args...)
		if r.code != exitIntegrity || !strings.Contains(r.stderr, "beyond the limits") || !strings.Contains(r.stderr, "hint: ") {
			t.Fatalf("svcreg %s: exit %d, want %d\n%s", strings.Join(args, " "), r.code, exitIntegrity, r.stderr)
		}
		t.Logf("svcreg %s: refused in %s: %s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond), r.stderr)
		emptyDir(t, work)
	}

	proj := t.TempDir()
	os.WriteFile(filepath.Join(proj, "svcreg.json"), []byte(`{"registry": "`+name+`", "services": {"bomb": "1.0.0", "wide": "1.0.0"}}`), 0o644)
	if r := svcregBounded(t, home, proj, "lock", "--offline"); r.code != 0 {
		t.Fatalf("lock: exit %d\n%s", r.code, r.stderr)
	}
	r := svcregBounded(t, home, proj, "install", "--offline")
	if r.code != exitIntegrity || !strings.Contains(r.stderr, "beyond the limits") {
		t.Fatalf("install: exit %d, want %d\n%s", r.code, exitIntegrity, r.stderr)
	}
	if _, err := os.Lstat(filepath.Join(proj, "services")); err == nil {
		t.Fatal("install left services/ behind")
	}
}

// TestPublishLimits: publish expands what it imported as get will and
// refuses, before anything is stored, a tree beyond --max-files or
// --max-size (exit 5); within them it publishes.
func TestPublishLimits(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	must(t, home, "init")
	site := t.TempDir()
	for _, f := range []string{"a", "b", "c"} {
		os.WriteFile(filepath.Join(site, f), []byte("12345"), 0o644)
	}
	blocks := func() int {
		n := 0
		filepath.WalkDir(filepath.Join(home, blocksDir), func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".data") {
				n++
			}
			return nil
		})
		return n
	}
	before := blocks()
	fails(t, exitIntegrity, "over the limit of 2", home, "publish", "site@1.0.0", site, "--max-files", "2")
	fails(t, exitIntegrity, "over the limit of 14", home, "publish", "site@1.0.0", site, "--max-size", "14")
	if n := blocks(); n != before {
		t.Fatalf("a refused publish stored %d blocks", n-before)
	}
	fails(t, exitUsage, "--max-size", home, "publish", "site@1.0.0", site, "--max-size", "lots")
	must(t, home, "publish", "site@1.0.0", site, "--max-files", "3", "--max-size", "15")
}

// TestServeCapsResponse: svcreg serve --max-response 1MiB stops the tar
// of a 41-block directory bomb (1 TiB) at 1 MiB, the connection aborted
// so the client sees a truncated stream.
func TestServeCapsResponse(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	must(t, home, "init")
	root, _ := storeBomb(t, home, 40, 1)
	url := startServe(t, home, "--max-response", "1MiB")
	ctx, cancel := context.WithTimeout(context.Background(), bombTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/ipfs/"+root.String()+"?format=tar", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 32<<20))
	switch {
	case n > 1<<20:
		t.Fatalf("streamed %d bytes of a tar past --max-response 1MiB", n)
	case err == nil:
		t.Fatalf("a tar of %d bytes that ends cleanly: the client cannot tell it was cut", n)
	}
}

// TestImportRefusesBomb: a CAR whose signed registry state records a
// release that expands to 1 TiB (41 blocks) is refused at import (exit 5):
// the head is not adopted, so nothing in the home resolves to it.
func TestImportRefusesBomb(t *testing.T) {
	pub := filepath.Join(t.TempDir(), "pub")
	name := must(t, pub, "init")
	root, size := storeBomb(t, pub, 40, 1)
	recordRelease(t, pub, "bomb", "1.0.0", root, size)
	file := filepath.Join(t.TempDir(), "reg.car")
	must(t, pub, "export", "-o", file)

	home := filepath.Join(t.TempDir(), "home")
	r := svcregBounded(t, home, t.TempDir(), "import", file)
	if r.code != exitIntegrity || !strings.Contains(r.stderr, "bomb@1.0.0") || !strings.Contains(r.stderr, "beyond the limits") {
		t.Fatalf("import: exit %d, want %d\n%s", r.code, exitIntegrity, r.stderr)
	}
	if !strings.Contains(r.stderr, "svcreg: hint: a release of this state would not be written by get: the head was not adopted") {
		t.Errorf("import: the hint does not say the head was not adopted:\n%s", r.stderr)
	}
	fails(t, exitNetwork, "not in the local cache", home, "resolve", "bomb@1.0.0", "--registry", name, "--offline")
}
