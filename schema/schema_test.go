package schema_test

import (
	"testing"

	"github.com/svcreg/svcreg/schema"
)

func TestSchemaCompiles(t *testing.T) {
	for _, name := range []string{"Manifest", "ServiceIndex", "Service", "Release", "Yank", "Root", "Role", "Signature", "SignedRoot", "Moved"} {
		if schema.TypeSystem().TypeByName(name) == nil {
			t.Errorf("type %s missing from the compiled schema", name)
		}
	}
	if len(schema.DSL()) == 0 {
		t.Fatal("embedded DSL is empty")
	}
}
