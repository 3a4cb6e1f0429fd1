package registry

import (
	"fmt"
	"strings"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest/trust"
)

// RootRoleInfo is a role of a RootInfo: its key ids and threshold.
type RootRoleInfo struct {
	Keys      []string `json:"keys"`
	Threshold int      `json:"threshold"`
}

// RootInfo describes a signed Root: what `svcreg root show` prints, and
// root init, rotate and sign (which know the Root before it). It marshals
// to the JSON docs/CLI.md gives those commands.
type RootInfo struct {
	CID               string                  `json:"cid"`
	Registry          string                  `json:"registry"`
	Version           uint64                  `json:"version"`
	Prev              string                  `json:"prev"`
	Expires           string                  `json:"expires"`
	MaxRecordLifetime int64                   `json:"max_record_lifetime"`
	Roles             map[string]RootRoleInfo `json:"roles"`
	// Signed counts the valid signatures of the Root's own root keys.
	Signed int `json:"signed"`
	// PrevSigned counts those of the previous Root's root keys, when
	// that Root is known.
	PrevSigned *int `json:"prev_signed,omitempty"`
	// RecordLifetime is the longest lifetime a record may claim.
	RecordLifetime time.Duration `json:"-"`
	// Changes is how the Root differs from the previous one, when known.
	Changes *RootChanges `json:"-"`
}

// RootChanges is how a Root differs from the version before it.
type RootChanges struct {
	// PrevVersion and PrevThreshold are the previous Root's version and
	// root threshold.
	PrevVersion   uint64
	PrevThreshold int
	// Roles holds the roles that changed (CompareRoots), in the order
	// root, publish.
	Roles []RoleDiff
	// PrevExpires is the previous expiry in RFC 3339, "" when it is the
	// same.
	PrevExpires string
}

// None reports whether nothing changed.
func (c *RootChanges) None() bool { return len(c.Roles) == 0 && c.PrevExpires == "" }

// NewRootInfo describes sr, whose CID is rc; prev, when not nil, is the
// Root before it, which its signatures are also counted against.
func NewRootInfo(rc cid.Cid, sr, prev *trust.SignedRoot) RootInfo {
	r := &sr.Root
	info := RootInfo{CID: rc.String(), Registry: r.Registry, Version: r.Version, Expires: jsonTime(r.Expires),
		MaxRecordLifetime: int64(r.MaxRecordLifetime / time.Second), RecordLifetime: r.MaxRecordLifetime,
		Roles: map[string]RootRoleInfo{}}
	if r.Prev.Defined() {
		info.Prev = r.Prev.String()
	}
	for _, name := range []string{trust.RoleRoot, trust.RolePublish} {
		role := r.Roles[name]
		info.Roles[name] = RootRoleInfo{Keys: append([]string{}, role.KeyIDs...), Threshold: role.Threshold}
	}
	info.Signed, _ = RootSigned(r, r, sr.Signatures)
	if prev == nil {
		return info
	}
	n, _ := RootSigned(&prev.Root, r, sr.Signatures)
	info.PrevSigned = &n
	ch := &RootChanges{PrevVersion: prev.Root.Version, PrevThreshold: prev.Root.Roles[trust.RoleRoot].Threshold}
	for _, d := range CompareRoots(&prev.Root, r) {
		if d.Changed() {
			ch.Roles = append(ch.Roles, d)
		}
	}
	if !prev.Root.Expires.Equal(r.Expires) {
		ch.PrevExpires = jsonTime(prev.Root.Expires)
	}
	info.Changes = ch
	return info
}

// Text describes the Root as `svcreg root show` prints it: its version,
// expiry and roles, what changed from the Root before it when known, and
// how many root keys signed it. Each line ends in a newline.
func (o RootInfo) Text() string {
	var w strings.Builder
	fmt.Fprintf(&w, "root v%d of %s (%s)\n", o.Version, o.Registry, o.CID)
	fmt.Fprintf(&w, "expires %s; records valid up to %s\n", o.Expires, o.RecordLifetime)
	for _, name := range []string{trust.RoleRoot, trust.RolePublish} {
		role := o.Roles[name]
		fmt.Fprintf(&w, "%s: %d of %d keys: %s\n", name, role.Threshold, len(role.Keys), strings.Join(role.Keys, " "))
	}
	if ch := o.Changes; ch != nil {
		fmt.Fprintf(&w, "changes from v%d:", ch.PrevVersion)
		for _, d := range ch.Roles {
			fmt.Fprintf(&w, "\n  %s:", d.Role)
			for _, id := range d.Added {
				fmt.Fprintf(&w, " +%s", id)
			}
			for _, id := range d.Removed {
				fmt.Fprintf(&w, " -%s", id)
			}
			if d.OldThreshold != d.Threshold {
				fmt.Fprintf(&w, " threshold %d → %d", d.OldThreshold, d.Threshold)
			}
		}
		if ch.PrevExpires != "" {
			fmt.Fprintf(&w, "\n  expires: %s → %s", ch.PrevExpires, o.Expires)
		}
		if ch.None() {
			fmt.Fprint(&w, " none")
		}
		fmt.Fprintln(&w)
	}
	fmt.Fprintf(&w, "signed by %d root keys of v%d (%d needed)", o.Signed, o.Version, o.Roles[trust.RoleRoot].Threshold)
	if ch := o.Changes; ch != nil {
		fmt.Fprintf(&w, " and %d of v%d (%d needed)", *o.PrevSigned, ch.PrevVersion, ch.PrevThreshold)
	}
	fmt.Fprintln(&w)
	return w.String()
}
