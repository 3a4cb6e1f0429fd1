package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// addVersions publishes name@1.1.0 … name@1.N.0, all with content (already
// stored), into the home dir in one change, through the library: a large
// service without N processes. No svcreg process may have the home open.
func addVersions(t *testing.T, dir, name string, content cid.Cid, n int) {
	t.Helper()
	ctx := context.Background()
	reg, done := libraryRegistry(t, dir)
	defer done()
	var ps []registry.Publication
	for i := 1; i <= n; i++ {
		ps = append(ps, registry.Publication{Service: manifest.Name(name), Version: manifest.MustParseVersion(fmt.Sprintf("1.%d.0", i)),
			Content: content, Size: 1, Profile: "unixfs-v1-2025"})
	}
	if _, _, err := reg.PublishAll(ctx, ps); err != nil {
		t.Fatal(err)
	}
}
