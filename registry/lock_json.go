package registry

import (
	"encoding/json"
	"fmt"
)

// lockChangeJSON is a LockChange as `svcreg lock --json` documents it.
type lockChangeJSON struct {
	Service   string `json:"service"`
	Change    string `json:"change"` // added, updated, removed
	From      string `json:"from"`   // the version locked before
	To        string `json:"to"`     // the version locked now
	CID       string `json:"cid"`
	Range     string `json:"range"`      // the range or tag locked for
	FromRange string `json:"from_range"` // the previous one, when it changed
}

// flat is c with its versions and CID as strings; a field the change has
// no value for is "".
func (c LockChange) flat() lockChangeJSON {
	out := lockChangeJSON{Service: string(c.Service)}
	switch {
	case c.Old == nil:
		out.Change, out.To, out.CID, out.Range = "added", c.New.Version.String(), c.New.CID.String(), c.New.Range
	case c.New == nil:
		out.Change, out.From = "removed", c.Old.Version.String()
	default:
		out.Change, out.From, out.To, out.CID, out.Range = "updated", c.Old.Version.String(), c.New.Version.String(), c.New.CID.String(), c.New.Range
		if c.Old.Range != c.New.Range {
			out.FromRange = c.Old.Range
		}
	}
	return out
}

// MarshalJSON encodes c as {service, change, from, to, cid, range,
// from_range}: change is "added", "updated" or "removed", the others
// strings, "" where the change has none (no from for an added service).
func (c LockChange) MarshalJSON() ([]byte, error) { return json.Marshal(c.flat()) }

// String describes c on one line: "added   web@1.2.0 bafy…", "removed
// web@1.2.0", "updated web 1.2.0 -> 1.3.0 bafy…", or for a new range that
// keeps the version, `updated web@1.2.0: range "^1.0.0" -> "~1.2"`.
func (c LockChange) String() string {
	f := c.flat()
	switch {
	case f.Change == "added":
		return fmt.Sprintf("added   %s@%s %s", f.Service, f.To, f.CID)
	case f.Change == "removed":
		return fmt.Sprintf("removed %s@%s", f.Service, f.From)
	case f.From == f.To && f.FromRange != "":
		return fmt.Sprintf("updated %s@%s: range %q -> %q", f.Service, f.To, f.FromRange, f.Range)
	}
	return fmt.Sprintf("updated %s %s -> %s %s", f.Service, f.From, f.To, f.CID)
}

// MarshalJSON encodes f as {kind, severity, service, version, message},
// severity being "error" or "warning"; Err is left out (its words are in
// Message).
func (f Finding) MarshalJSON() ([]byte, error) {
	sev := "error"
	if f.Warning {
		sev = "warning"
	}
	return json.Marshal(struct {
		Kind     string `json:"kind"`
		Severity string `json:"severity"`
		Service  string `json:"service"`
		Version  string `json:"version"`
		Message  string `json:"message"`
	}{string(f.Kind), sev, string(f.Service), f.Version, f.Message})
}
