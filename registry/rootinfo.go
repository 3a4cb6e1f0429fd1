package registry

import (
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
