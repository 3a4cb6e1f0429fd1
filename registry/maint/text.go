package maint

import (
	"fmt"
	"strings"
)

// Text is the report as `svcreg fsck` prints it: the index's state, a
// line per registry walked, the blocks stored, then what was repaired,
// the notes and the problems, one a line. Each line ends in a newline.
func (r *Report) Text() string {
	var w strings.Builder
	fmt.Fprintf(&w, "index: %s\n", r.Index)
	for _, reg := range r.Registries {
		who := "followed"
		if reg.Own {
			who = "own"
		}
		fmt.Fprintf(&w, "registry %s (%s): seq %d, %d blocks ok, %d missing, %d corrupt\n", reg.Name, who, reg.Seq, reg.Blocks, reg.Missing, reg.Corrupt)
	}
	fmt.Fprintf(&w, "stored blocks: %d\n", r.Stored)
	for _, s := range r.Repaired {
		fmt.Fprintf(&w, "repaired: %s\n", s)
	}
	for _, s := range r.Notes {
		fmt.Fprintf(&w, "note: %s\n", s)
	}
	for _, s := range r.Problems {
		fmt.Fprintf(&w, "problem: %s\n", s)
	}
	return w.String()
}
