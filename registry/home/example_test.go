package home_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
)

// ExampleHome_Publish publishes a small directory in a new home and
// resolves it.
func ExampleHome_Publish() {
	tmp, err := os.MkdirTemp("", "svcreg-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	site := filepath.Join(tmp, "site")
	os.MkdirAll(site, 0o755)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("hello\n"), 0o644)

	h, err := home.Open(filepath.Join(tmp, "home"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	if err := h.MkdirAll(); err != nil {
		log.Fatal(err)
	}
	key, err := ipns.GenerateKey(nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := h.SaveKey(key); err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	reg, err := h.Signing(0, 0)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := reg.Init(ctx); err != nil { // the registry's first, empty state
		log.Fatal(err)
	}
	p, err := h.Publish(ctx, home.PublishDir{Service: "web", Version: manifest.MustParseVersion("1.0.0"), Dir: site})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("seq", p.Head.Seq, "content", p.Content)

	if reg, err = h.Registry(); err != nil {
		log.Fatal(err)
	}
	spec, _ := manifest.ParseSpec("web@^1")
	res, err := reg.Resolve(ctx, spec)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Service, res.Version, res.CID)
	// Output:
	// seq 2 content bafybeifq2rzpqnqrsdupncmkmhs3ckxxjhuvdcbvydkgvch3ms24k5lo7q
	// web 1.0.0 bafybeifq2rzpqnqrsdupncmkmhs3ckxxjhuvdcbvydkgvch3ms24k5lo7q
}
