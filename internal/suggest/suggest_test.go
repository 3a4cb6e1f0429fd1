package suggest_test

import (
	"fmt"
	"testing"

	"github.com/svcreg/svcreg/internal/suggest"
)

func TestNearest(t *testing.T) {
	cmds := []string{"init", "publish", "resolve", "ls", "list", "info", "install", "import", "export", "push"}
	for in, want := range map[string]string{
		"publsh": "publish", "pubilsh": "publish", "resolv": "resolve", "isntall": "install",
		"lsit": "list", "pub": "publish", "xyz": "", "in": "", "exprot": "export",
	} {
		if got := suggest.Nearest(in, cmds); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
}

func ExampleNearest() {
	fmt.Println(suggest.Nearest("pubilsh", []string{"publish", "push", "resolve"}))
	// Output: publish
}
