package unixfs

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"
	"github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"

	"github.com/svcreg/svcreg/registry/unixfs/internal/fixtures"
)

var profiles = []string{ProfileV1, ProfileV0}

// fixtureRoot holds the trees built by fixtureDir; TestMain removes it.
var (
	fixtureRoot  string
	fixtureMu    sync.Mutex
	fixtureBuilt = map[string]string{}
)

func TestMain(m *testing.M) {
	var err error
	fixtureRoot, err = os.MkdirTemp("", "unixfs-fixtures-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(fixtureRoot)
	os.Exit(code)
}

// fixtureDir returns the directory of the fixture tree, building it once per
// test binary (the big trees take a while).
func fixtureDir(t testing.TB, tree string) string {
	t.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if dir, ok := fixtureBuilt[tree]; ok {
		return dir
	}
	dir := filepath.Join(fixtureRoot, tree)
	if err := fixtures.Build(dir, tree); err != nil {
		t.Fatal(err)
	}
	fixtureBuilt[tree] = dir
	return dir
}

// memBlockstore returns an empty in-memory blockstore.
func memBlockstore() blockstore.Blockstore {
	return blockstore.NewBlockstore(dssync.MutexWrap(datastore.NewMapDatastore()))
}

// golden reads testdata/golden.txt into case → profile → CID.
func golden(t testing.TB) map[string]map[string]cid.Cid {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "golden.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string]cid.Cid{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 {
			t.Fatalf("golden.txt: malformed line %q", line)
		}
		c, err := cid.Decode(fields[2])
		if err != nil {
			t.Fatalf("golden.txt: %q: %v", line, err)
		}
		if out[fields[0]] == nil {
			out[fields[0]] = map[string]cid.Cid{}
		}
		out[fields[0]][fields[1]] = c
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// imported caches imports of fixture trees, which several tests share and
// which are slow under -race. Tests must not modify the returned store.
var (
	importedMu sync.Mutex
	imported   = map[string]importedTree{}
)

type importedTree struct {
	bs  blockstore.Blockstore
	res Result
}

// importFixture imports the fixture tree with the profile into an in-memory
// blockstore, once per test binary, and returns the store and the result.
func importFixture(t testing.TB, tree, profile string, hidden bool) (blockstore.Blockstore, Result) {
	t.Helper()
	key := fmt.Sprintf("%s %s %t", tree, profile, hidden)
	importedMu.Lock()
	defer importedMu.Unlock()
	if it, ok := imported[key]; ok {
		return it.bs, it.res
	}
	bs := memBlockstore()
	res := mustImport(t, bs, fixtureDir(t, tree), Options{Profile: profile, Hidden: hidden})
	imported[key] = importedTree{bs, res}
	return bs, res
}

// mustImport imports dir and fails the test on error.
func mustImport(t testing.TB, bs blockstore.Blockstore, dir string, opts Options) Result {
	t.Helper()
	res, err := Import(context.Background(), bs, dir, opts)
	if err != nil {
		t.Fatalf("Import(%s, %+v): %v", dir, opts, err)
	}
	return res
}
