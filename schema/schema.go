// Package schema holds svcreg's IPLD schema: the wire contract of the
// manifest and its trust blocks (Root, SignedRoot, Moved). The DSL file
// svcreg.ipldsch is embedded and compiled once; [TypeSystem] returns the
// result. Changing the schema changes the format:
// update docs/FORMAT.md and the golden fixtures in manifest/testdata with it.
package schema

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/ipld/go-ipld-prime"
	ischema "github.com/ipld/go-ipld-prime/schema"
)

//go:embed svcreg.ipldsch
var dsl []byte

// DSL returns the schema source text.
func DSL() []byte { return append([]byte(nil), dsl...) }

var compiled = sync.OnceValues(func() (*ischema.TypeSystem, error) {
	ts, err := ipld.LoadSchemaBytes(dsl)
	if err != nil {
		return nil, fmt.Errorf("compile svcreg schema: %w", err)
	}
	return ts, nil
})

// TypeSystem returns the compiled schema. It panics only if the embedded
// schema does not compile, which a test guards against.
func TypeSystem() *ischema.TypeSystem {
	ts, err := compiled()
	if err != nil {
		panic(err)
	}
	return ts
}

// Type returns the named schema type, panicking if it does not exist.
func Type(name string) ischema.Type {
	t := TypeSystem().TypeByName(name)
	if t == nil {
		panic("svcreg schema has no type " + name)
	}
	return t
}
