package registry

import (
	"fmt"
	"strings"
	"time"

	"github.com/svcreg/svcreg/internal/termtext"
)

// This file holds the plain-text forms of the descriptions the library
// returns, as svcreg prints them without --json; the JSON forms are
// their MarshalJSON methods.

// String describes v on one line, as `svcreg ls NAME` lists it:
// "VERSION CID", then " [TAG, …]" when tags name it and " (yanked:
// REASON)" when it is yanked.
func (v VersionEntry) String() string {
	line := v.Version.String() + " " + v.Release.Content.String()
	if len(v.Tags) > 0 {
		line += " [" + strings.Join(v.Tags, ", ") + "]"
	}
	if y := v.Release.Yank; y != nil {
		line += " (yanked: " + y.Reason + ")"
	}
	return line
}

// String describes e on one line, as `svcreg log` lists it: "SEQ ROOT
// TIME CHANGE", the time in RFC 3339, in UTC.
func (e LogEntry) String() string {
	return fmt.Sprintf("%d %s %s %s", e.Seq, e.Root, e.Time.UTC().Format(time.RFC3339), e.Change)
}

// Text describes the release as `svcreg info` prints it: its name and
// version, then its content, size, profile, publication, yank, the
// manifest state it comes from and its path under the registry's name.
// Each line ends in a newline.
func (i ReleaseInfo) Text() string {
	var w strings.Builder
	r := i.Release
	fmt.Fprintf(&w, "%s@%s\n", i.Service, i.Version)
	fmt.Fprintf(&w, "  cid:       %s\n  size:      %d bytes\n  profile:   %s\n", r.Content, r.Size, r.Profile)
	fmt.Fprintf(&w, "  published: %s\n", r.Published.UTC().Format(time.RFC3339))
	if r.Yank != nil {
		fmt.Fprintf(&w, "  yanked:    %s\n", r.Yank.Reason)
	}
	fmt.Fprintf(&w, "  manifest:  %s (seq %d)\n  path:      %s\n", i.Root, i.Seq, i.Path)
	return w.String()
}

// Text describes the move as it is being signed: the names and the new
// Root, then the signatures counted so far. Each line ends in a newline.
func (o MoveInfo) Text() string {
	return fmt.Sprintf("move of %s to %s: root v%d %s\n", o.From, o.To, o.RootVersion, o.Root) +
		fmt.Sprintf("root signed by %d keys of v%d and %d of v%d; moved signed by %d root keys\n", o.Signed, o.RootVersion, o.PrevSigned, o.RootVersion-1, o.MovedSigned)
}

// Lines describe the change as sign, submit and --propose show it: the
// state it makes, an indented line per release or tag it changes (its
// text escaped, termtext.Escape), and how many publish signatures it
// carries of how many its Root asks for.
func (s *ChangeSummary) Lines() []string {
	lines := []string{fmt.Sprintf("change to %s: seq %d after %s (root v%d)", s.Registry, s.Seq, s.Prev, s.RootVersion)}
	for _, e := range s.Entries {
		lines = append(lines, "  "+termtext.Escape(e.String()))
	}
	if len(s.Entries) == 0 {
		lines = append(lines, "  (no release or tag changes)")
	}
	return append(lines, fmt.Sprintf("%d of %d publish signatures", len(s.SignedBy), s.Threshold))
}
