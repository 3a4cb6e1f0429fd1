package registry

import "github.com/svcreg/svcreg/manifest/trust"

// MoveInfo describes a Move as it is being signed: the names, the new
// Root, and the signatures counted so far. It marshals to the JSON
// docs/CLI.md gives `svcreg move` and `root sign` of a move file.
type MoveInfo struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Root        string `json:"root"` // the new Root's CID
	RootVersion uint64 `json:"root_version"`
	// Signed and PrevSigned count the root keys of the new Root and of
	// the one before it whose signatures of the new Root verify.
	Signed     int `json:"signed"`
	PrevSigned int `json:"prev_signed"`
	// MovedSigned counts the new Root's root keys that signed the Moved
	// block (Move.MovedSigned).
	MovedSigned int `json:"moved_signed"`
}

// NewMoveInfo describes m.
func NewMoveInfo(m *Move) MoveInfo {
	o := MoveInfo{From: m.Moved.From, To: m.Moved.To, RootVersion: m.Root.Root.Version, MovedSigned: m.MovedSigned()}
	if b, err := trust.EncodeSignedRoot(m.Root); err == nil {
		o.Root = b.CID.String()
	}
	o.Signed, _ = RootSigned(&m.Root.Root, &m.Root.Root, m.Root.Signatures)
	o.PrevSigned, _ = RootSigned(&m.Prev.Root, &m.Root.Root, m.Root.Signatures)
	return o
}
