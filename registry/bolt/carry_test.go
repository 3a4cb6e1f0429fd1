package bolt

import (
	"context"
	"reflect"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// TestPutResolutions: many answers go in at once at the stored head, none
// at another root, and Queries lists those of one root.
func TestPutResolutions(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	h1, h2 := testHead(t, name, 1), testHead(t, name, 2)
	r := registry.Resolution{Service: "tts", Version: manifest.MustParseVersion("1.2.3"), CID: testCid("tts 1.2.3")}
	rs := map[string]registry.Resolution{"tts": r, "tts@^1": r}
	mustSwap(t, c, 0, h1)
	if err := c.PutResolutions(ctx, name, h2.Root, rs); err != nil {
		t.Fatal(err)
	}
	if qs, err := c.Queries(ctx, name, h2.Root); err != nil || len(qs) != 0 {
		t.Fatalf("answers stored at a root that is not the head: %q, %v", qs, err)
	}
	if err := c.PutResolutions(ctx, name, h1.Root, rs); err != nil {
		t.Fatal(err)
	}
	if qs, err := c.Queries(ctx, name, h1.Root); err != nil || !reflect.DeepEqual(qs, []string{"tts", "tts@^1"}) {
		t.Fatalf("Queries: %q, %v", qs, err)
	}
	if got, ok, err := c.Resolution(ctx, name, h1.Root, "tts@^1"); err != nil || !ok || !reflect.DeepEqual(got, r) {
		t.Fatalf("Resolution: %+v, %v, %v", got, ok, err)
	}
}
