package maint

import (
	"context"

	"github.com/svcreg/svcreg/registry/bolt"
)

// noteEquivocations adds a note for each piece of equivocation evidence
// the index at path keeps (registry.Equivocation): two publish-signed
// manifests at one sequence, of which clients kept the first. It is no
// problem of the home's (nothing here can repair it) but news for the
// registry's owner: a publish key was used twice.
func noteEquivocations(ctx context.Context, path string, rep *Report) {
	if !fileExists(path) {
		return
	}
	c, err := bolt.Open(path, &bolt.Options{ReadOnly: true})
	if err != nil {
		return
	}
	defer c.Close()
	evidence, err := c.Equivocations(ctx)
	if err != nil {
		rep.problem("index: %v", err)
		return
	}
	for _, e := range evidence {
		rep.note("registry %s: equivocation at seq %d: its publish keys signed both %s (kept) and %s", e.Name, e.Seq, e.Kept, e.Other)
	}
}
