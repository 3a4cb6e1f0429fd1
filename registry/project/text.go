package project

import (
	"fmt"
	"strings"

	"github.com/svcreg/svcreg/internal/termtext"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// Text is the verification as `svcreg verify` prints it: one line when
// the directory rebuilds the release, else the two CIDs and a line per
// path that differs. Paths are quoted (termtext.Quote) and the diff's
// error escaped; each line ends in a newline.
func (v *Verification) Text() string {
	var w strings.Builder
	release := manifest.ExactSpec(v.Service, v.Version)
	if v.Identical() {
		fmt.Fprintf(&w, "%s %s: %s rebuilds it exactly (%s, hidden %t)\n", release, v.Want, termtext.Quote(v.Dir), v.Profile, v.Hidden)
		return w.String()
	}
	fmt.Fprintf(&w, "%s is %s; %s rebuilds to %s (%s, hidden %t)\n", release, v.Want, termtext.Quote(v.Dir), v.Got, v.Profile, v.Hidden)
	for _, ch := range v.Changes {
		switch ch.Kind {
		case unixfs.Modified:
			fmt.Fprintf(&w, "modified %s (%s -> %s)\n", termtext.Quote(ch.Path), ch.Old, ch.New)
		default:
			fmt.Fprintf(&w, "%-8s %s\n", ch.Kind, termtext.Quote(ch.Path))
		}
	}
	if v.DiffError != nil {
		fmt.Fprintf(&w, "cannot list the differences: %s\n", termtext.Escape(v.DiffError.Error()))
	}
	return w.String()
}

// Text is the overview as `svcreg check` prints it: a line per finding
// ("KIND: MESSAGE", or "KIND (warning): MESSAGE", the message escaped)
// and, when ok (the check passed), the verdict. Each line ends in a
// newline.
func (o Overview) Text(ok bool) string {
	var w strings.Builder
	for _, f := range o.Findings {
		label := string(f.Kind)
		if f.Warning {
			label += " (warning)"
		}
		fmt.Fprintf(&w, "%s: %s\n", label, termtext.Escape(f.Message))
	}
	if ok {
		fmt.Fprintf(&w, "%s: ok: %s, true to %s at seq %d\n", o.Lockfile, serviceCount(o.Services), o.Registry, o.Seq)
	}
	return w.String()
}

// Text is the result as `svcreg lock` prints it: a line per changed
// entry, the change of the trust root when there is one, then what
// became of the lockfile. Each line ends in a newline.
func (r LockResult) Text() string {
	var w strings.Builder
	for _, ch := range r.Changes {
		fmt.Fprintln(&w, ch)
	}
	if r.Trust != nil {
		fmt.Fprintln(&w, r.Trust)
	}
	state := "is up to date"
	if r.Written {
		state = "written"
	}
	fmt.Fprintf(&w, "%s %s: %s from %s at seq %d\n", r.Path, state, serviceCount(len(r.Lock.Services)), r.Lock.Registry, r.Lock.Seq)
	return w.String()
}

// serviceCount says "1 service" or "N services".
func serviceCount(n int) string {
	if n == 1 {
		return "1 service"
	}
	return fmt.Sprintf("%d services", n)
}
