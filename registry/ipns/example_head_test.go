package ipns_test

import (
	"fmt"
	"time"

	"github.com/svcreg/svcreg/registry/ipns"
)

// A re-signed record (same sequence and root, later end of life) is
// fresher; a higher sequence always is.
func ExampleFresher() {
	eol := time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)
	old := ipns.Record{Seq: 7, Validity: eol}
	resigned := ipns.Record{Seq: 7, Validity: eol.Add(48 * time.Hour)}
	next := ipns.Record{Seq: 8, Validity: eol.Add(-time.Hour)}
	fmt.Println(ipns.Fresher(resigned, old), ipns.Fresher(old, resigned), ipns.Fresher(next, resigned))
	// Output: true false true
}
