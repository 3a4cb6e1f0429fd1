package follow

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/svcreg/svcreg/internal/bytesize"
)

// This file holds the plain-text forms of the follower's reports, as
// svcreg prints them without --json; the JSON forms are their
// MarshalJSON methods.

// String describes s on one line, as `svcreg replica ls` lists it: its
// name, node and pin, the seq it holds and how far behind the head, and
// the times of its last success and failure in RFC 3339 ("-" for never).
func (s ReplicaStatus) String() string {
	return fmt.Sprintf("%s %s pin=%t seq=%d lag=%d last-success=%s last-failure=%s", s.Name, s.Kubo, s.Pin, s.Seq, s.Lag,
		cmp.Or(rfc3339(s.LastSuccess), "-"), cmp.Or(rfc3339(s.LastFailure), "-"))
}

// String describes the push on one line, as `svcreg push` prints it: the
// state and the node, the blocks sent, whether the whole DAG or only
// what is new since the node's state, the pin, and what became of the
// record.
func (r PushResult) String() string {
	how := "whole DAG"
	if r.Incremental {
		how = fmt.Sprintf("new since seq %d", r.From)
	}
	s := fmt.Sprintf("pushed seq %d of %s to %s: %d blocks (%s, %s)", r.Head.Seq, r.Head.Name, r.Kubo, r.Blocks, bytesize.Format(int64(r.Bytes)), how)
	if r.Pinned {
		s += ", pinned"
	}
	return s + "; record " + r.Record
}

// Text describes the round as `svcreg republish` prints it: the head's
// record, re-signed or still valid, until when and when it is due, then a
// line per replica that took the push. Each line ends in a newline.
func (r Republished) Text() string {
	var w strings.Builder
	what := "record valid"
	if r.Resigned.Resigned {
		what = "re-signed"
	}
	fmt.Fprintf(&w, "seq %d of %s: %s until %s (due %s)\n", r.Head.Seq, r.Head.Name, what, utc(r.EOL), utc(r.Due))
	for _, p := range r.Replicas {
		if p.Err == nil {
			fmt.Fprintf(&w, "pushed to %s (%s): %d blocks, record %s\n", p.Replica.Name, p.Replica.Kubo, p.Result.Blocks, p.Outcome())
		}
	}
	return w.String()
}

// utc is t in RFC 3339, in UTC.
func utc(t time.Time) string { return t.UTC().Format(time.RFC3339) }
