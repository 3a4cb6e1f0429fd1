package bolt

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// TestSwapHeadResolutions: the answers go in with the head, replacing
// those of the old head, and Queries lists those of one root.
func TestSwapHeadResolutions(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	h1, h2 := testHead(t, name, 1), testHead(t, name, 2)
	r := registry.Resolution{Service: "tts", Version: manifest.MustParseVersion("1.2.3"), CID: testCid("tts 1.2.3")}
	if err := c.SwapHeadResolutions(ctx, 0, h1, registry.RootFloor{}, map[string]registry.Resolution{"web": r}); err != nil {
		t.Fatal(err)
	}
	if err := c.SwapHeadResolutions(ctx, 1, h2, registry.RootFloor{}, map[string]registry.Resolution{"tts": r, "tts@^1": r}); err != nil {
		t.Fatal(err)
	}
	if qs, err := c.Queries(ctx, name, h1.Root); err != nil || len(qs) != 0 {
		t.Fatalf("answers of the old head kept: %q, %v", qs, err)
	}
	if qs, err := c.Queries(ctx, name, h2.Root); err != nil || !reflect.DeepEqual(qs, []string{"tts", "tts@^1"}) {
		t.Fatalf("Queries: %q, %v", qs, err)
	}
	if got, ok, err := c.Resolution(ctx, name, h2.Root, "tts@^1"); err != nil || !ok || !reflect.DeepEqual(got, r) {
		t.Fatalf("Resolution: %+v, %v, %v", got, ok, err)
	}
	if err := c.SwapHeadResolutions(ctx, 1, testHead(t, name, 3), registry.RootFloor{}, nil); !errors.Is(err, registry.ErrHeadMoved) {
		t.Fatalf("a swap from a moved head: %v", err)
	}
}
