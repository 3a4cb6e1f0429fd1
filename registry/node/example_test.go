package node_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/node"
)

// Example runs a node, as svcreg serve does, on a home whose registry
// holds one release, and reads a file of it by its /svc/ address.
func Example() {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "node-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	site := filepath.Join(tmp, "site")
	os.MkdirAll(site, 0o755)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("hello\n"), 0o644)

	// A home with its registry and one release, web@1.0.0.
	dir := filepath.Join(tmp, "home")
	h, err := home.Open(dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := h.Init(ctx, home.InitOptions{}); err != nil {
		log.Fatal(err)
	}
	if _, err := h.Publish(ctx, home.PublishDir{Service: "web", Version: manifest.MustParseVersion("1.0.0"), Dir: site}); err != nil {
		log.Fatal(err)
	}
	h.Close() // the node opens the index only around each read

	// The node: /svc/ resolves in the home's own registry.
	if h, err = home.Open(dir, nil); err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	n, err := node.New(node.Config{Home: h})
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() { done <- n.Serve(ctx, ln, func() { close(ready) }) }()
	select {
	case <-ready:
	case err := <-done:
		log.Fatal(err)
	}

	resp, err := http.Get("http://" + ln.Addr().String() + "/svc/web@%5E1/index.html")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status)
	fmt.Print(string(body))

	cancel() // stops the node once in-flight requests finish
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	// Output:
	// 200 OK
	// hello
}
