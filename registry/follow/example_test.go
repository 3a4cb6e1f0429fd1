package follow_test

import (
	"fmt"

	"github.com/svcreg/svcreg/registry/follow"
)

// The mirror modes of svcreg serve --mirror.
func ExampleParseMirror() {
	for _, s := range []string{"", "latest", "none", "some"} {
		m, err := follow.ParseMirror(s)
		fmt.Printf("%q → %q %v\n", s, m, err)
	}
	// Output:
	// "" → "all" <nil>
	// "latest" → "latest" <nil>
	// "none" → "none" <nil>
	// "some" → "" mirror mode must be all, latest or none
}
