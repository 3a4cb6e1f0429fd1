package registry

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest/trust"
)

// ErrRootChange is returned when a Root change asked for is not possible:
// a role left with a threshold of 0 or above its number of keys, a key
// removed that the Root does not hold, a key added twice to a role, an
// unknown role.
var ErrRootChange = errors.New("invalid root change")

// ErrHasRoot is returned when a Root version 1 is made for, or submitted
// to, a registry that has a Root already.
var ErrHasRoot = errors.New("registry has a root already")

// ErrNotRootKey is returned by SignRoot for a key that holds the root role
// neither in the Root signed nor in the version before it.
var ErrNotRootKey = errors.New("not a root key of this root or its prev")

// RoleKey is a public key and the role it is given.
type RoleKey struct {
	Role string // trust.RoleRoot or trust.RolePublish
	Key  ed25519.PublicKey
}

// RootChange is what a new Root version changes: keys added to a role,
// keys removed from every role (by key id), thresholds set, and the
// expiry. A role whose threshold is not set keeps its threshold.
type RootChange struct {
	Add        []RoleKey
	Remove     []string       // key ids (trust.KeyID)
	Thresholds map[string]int // role → threshold
	Expires    time.Time      // truncated to the second
}

// NewRoot returns Root version 1 of the registry name, unsigned: the keys
// of ch.Add in their roles (both roles need at least one), the
// thresholds of ch.Thresholds (1 where unset), expiring at ch.Expires
// and allowing IPNS records valid up to maxRecordLifetime. It wraps
// ErrRootChange when the result breaks a rule.
func NewRoot(name string, ch RootChange, maxRecordLifetime time.Duration) (*trust.Root, error) {
	if len(ch.Remove) > 0 {
		return nil, fmt.Errorf("%w: root version 1 has no key to remove", ErrRootChange)
	}
	r := &trust.Root{
		Registry: name, Version: 1, MaxRecordLifetime: maxRecordLifetime,
		Keys:  map[string]ed25519.PublicKey{},
		Roles: map[string]trust.Role{trust.RoleRoot: {Threshold: 1}, trust.RolePublish: {Threshold: 1}},
	}
	if err := applyChange(r, ch); err != nil {
		return nil, err
	}
	return r, nil
}

// NextRoot returns version N+1 of cur, the signed Root block curCID,
// unsigned: ch applied, prev set to curCID, the maximum record lifetime
// kept. It wraps ErrRootChange when the result breaks a rule.
func NextRoot(cur *trust.SignedRoot, curCID cid.Cid, ch RootChange) (*trust.Root, error) {
	r := cloneRoot(&cur.Root)
	r.Version, r.Prev = cur.Root.Version+1, curCID
	if err := applyChange(r, ch); err != nil {
		return nil, err
	}
	return r, nil
}

func cloneRoot(r *trust.Root) *trust.Root {
	c := *r
	c.Keys = maps.Clone(r.Keys)
	c.Roles = map[string]trust.Role{}
	for name, role := range r.Roles {
		c.Roles[name] = trust.Role{KeyIDs: slices.Clone(role.KeyIDs), Threshold: role.Threshold}
	}
	return &c
}

// applyChange applies ch to r and checks the roles: each threshold is 1
// to its number of keys. Keys no role lists any more are dropped.
func applyChange(r *trust.Root, ch RootChange) error {
	for _, id := range ch.Remove {
		if _, ok := r.Keys[id]; !ok {
			return fmt.Errorf("%w: key %s is not in root v%d", ErrRootChange, id, r.Version-1)
		}
		delete(r.Keys, id)
		for name, role := range r.Roles {
			role.KeyIDs = slices.DeleteFunc(role.KeyIDs, func(k string) bool { return k == id })
			r.Roles[name] = role
		}
	}
	for _, rk := range ch.Add {
		role, ok := r.Roles[rk.Role]
		if !ok {
			return fmt.Errorf("%w: unknown role %q (roles are %s and %s)", ErrRootChange, rk.Role, trust.RoleRoot, trust.RolePublish)
		}
		if len(rk.Key) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: a %s key of %d bytes", ErrRootChange, rk.Role, len(rk.Key))
		}
		id := trust.KeyID(rk.Key)
		if slices.Contains(role.KeyIDs, id) {
			return fmt.Errorf("%w: key %s holds the %s role already", ErrRootChange, id, rk.Role)
		}
		r.Keys[id] = slices.Clone(rk.Key)
		role.KeyIDs = append(role.KeyIDs, id)
		slices.Sort(role.KeyIDs)
		r.Roles[rk.Role] = role
	}
	for name, n := range ch.Thresholds {
		role, ok := r.Roles[name]
		if !ok {
			return fmt.Errorf("%w: unknown role %q (roles are %s and %s)", ErrRootChange, name, trust.RoleRoot, trust.RolePublish)
		}
		role.Threshold = n
		r.Roles[name] = role
	}
	used := map[string]bool{}
	for _, name := range []string{trust.RoleRoot, trust.RolePublish} {
		role := r.Roles[name]
		if role.Threshold < 1 || role.Threshold > len(role.KeyIDs) {
			return fmt.Errorf("%w: the %s role would need %d signatures of %d keys", ErrRootChange, name, role.Threshold, len(role.KeyIDs))
		}
		for _, id := range role.KeyIDs {
			used[id] = true
		}
	}
	maps.DeleteFunc(r.Keys, func(id string, _ ed25519.PublicKey) bool { return !used[id] })
	r.Expires = ch.Expires.Truncate(time.Second)
	return nil
}

// RoleDiff is how one role differs between two Root versions.
type RoleDiff struct {
	Role                    string
	Added, Removed          []string // key ids
	OldThreshold, Threshold int
}

// Changed reports whether the role differs.
func (d RoleDiff) Changed() bool {
	return len(d.Added) > 0 || len(d.Removed) > 0 || d.OldThreshold != d.Threshold
}

// CompareRoots returns, for the root and publish roles in that order, how
// next differs from prev.
func CompareRoots(prev, next *trust.Root) []RoleDiff {
	var out []RoleDiff
	for _, name := range []string{trust.RoleRoot, trust.RolePublish} {
		o, n := prev.Roles[name], next.Roles[name]
		d := RoleDiff{Role: name, OldThreshold: o.Threshold, Threshold: n.Threshold}
		for _, id := range n.KeyIDs {
			if !slices.Contains(o.KeyIDs, id) {
				d.Added = append(d.Added, id)
			}
		}
		for _, id := range o.KeyIDs {
			if !slices.Contains(n.KeyIDs, id) {
				d.Removed = append(d.Removed, id)
			}
		}
		out = append(out, d)
	}
	return out
}

// SignRoot adds the signature of key to sr, replacing one the key made
// before (a key signing twice counts once), and keeps the list in key id
// order. key must hold the root role of sr's Root or of prev, the version
// before it, when known (else ErrNotRootKey). It reports whether the
// signature is new.
func SignRoot(sr *trust.SignedRoot, prev *trust.Root, key ed25519.PrivateKey) (bool, error) {
	id := trust.KeyID(key.Public().(ed25519.PublicKey))
	if !slices.Contains(sr.Root.Roles[trust.RoleRoot].KeyIDs, id) && (prev == nil || !slices.Contains(prev.Roles[trust.RoleRoot].KeyIDs, id)) {
		return false, fmt.Errorf("key %s: %w v%d", id, ErrNotRootKey, sr.Root.Version)
	}
	sig, err := trust.SignRoot(key, &sr.Root)
	if err != nil {
		return false, err
	}
	before := len(sr.Signatures)
	sr.Signatures = slices.DeleteFunc(sr.Signatures, func(s trust.Signature) bool { return s.KeyID == id })
	sr.Signatures = append(sr.Signatures, sig)
	slices.SortFunc(sr.Signatures, func(a, b trust.Signature) int {
		if a.KeyID < b.KeyID {
			return -1
		} else if a.KeyID > b.KeyID {
			return 1
		}
		return 0
	})
	return len(sr.Signatures) > before, nil
}

// RootSigned counts the distinct keys of r's root role whose signature in
// sigs verifies over root, the Root signed (r is root itself, or the
// version before it).
func RootSigned(r *trust.Root, root *trust.Root, sigs []trust.Signature) (int, error) {
	b, err := trust.EncodeRoot(root)
	if err != nil {
		return 0, err
	}
	msg := append([]byte(trust.DomainRoot), b.Data...)
	seen := map[string]bool{}
	for _, s := range sigs {
		pub, ok := r.Keys[s.KeyID]
		if ok && !seen[s.KeyID] && slices.Contains(r.Roles[trust.RoleRoot].KeyIDs, s.KeyID) && ed25519.Verify(pub, msg, s.Sig) {
			seen[s.KeyID] = true
		}
	}
	return len(seen), nil
}

// CurrentRoot returns the signed Root the registry's head links and its
// CID; for a registry without one, nil and cid.Undef.
func (r *Registry) CurrentRoot(ctx context.Context) (*trust.SignedRoot, cid.Cid, error) {
	_, m, err := r.Manifest(ctx)
	if err != nil {
		return nil, cid.Undef, err
	}
	if !m.Root.Defined() {
		return nil, cid.Undef, nil
	}
	sr, err := loadRoot(ctx, r.blocks.Get, m.Root)
	if err != nil {
		return nil, cid.Undef, err
	}
	return sr, m.Root, nil
}

// RotateRoot returns the next version of the registry's Root with ch
// applied (NextRoot), unsigned, and the current signed Root it follows.
// A registry without a Root wraps ErrNoRoot.
func (r *Registry) RotateRoot(ctx context.Context, ch RootChange) (next, cur *trust.SignedRoot, err error) {
	cur, curCID, err := r.CurrentRoot(ctx)
	if err != nil {
		return nil, nil, err
	}
	if cur == nil {
		return nil, nil, fmt.Errorf("rotate the root of %s: %w", r.name, ErrNoRoot)
	}
	nr, err := NextRoot(cur, curCID, ch)
	if err != nil {
		return nil, nil, err
	}
	return &trust.SignedRoot{Root: *nr, Signatures: []trust.Signature{}}, cur, nil
}

// FirstRoot returns Root version 1 for the registry, which has none yet
// (else ErrHasRoot), unsigned (NewRoot).
func (r *Registry) FirstRoot(ctx context.Context, ch RootChange, maxRecordLifetime time.Duration) (*trust.SignedRoot, error) {
	cur, _, err := r.CurrentRoot(ctx)
	if err != nil {
		return nil, err
	}
	if cur != nil {
		return nil, fmt.Errorf("%s: %w (v%d)", r.name, ErrHasRoot, cur.Root.Version)
	}
	nr, err := NewRoot(r.name, ch, maxRecordLifetime)
	if err != nil {
		return nil, err
	}
	return &trust.SignedRoot{Root: *nr, Signatures: []trust.Signature{}}, nil
}

// SubmitRoot makes sr the registry's Root: a new manifest, the head's
// state otherwise unchanged, links it and is signed by the publish keys
// (UsePublishKeys), which must meet sr's publish threshold; the root floor
// moves with the head. sr must follow the current Root
// (trust.VerifyRootStep: the same registry, the next version, signed by
// the root thresholds of both; its prev the current Root's block) and not
// be expired; for a registry without a Root, it must be version 1 signed
// by its own root threshold. Every refusal of sr wraps ErrUntrusted.
func (r *Registry) SubmitRoot(ctx context.Context, sr *trust.SignedRoot) (Head, error) {
	rb, err := trust.EncodeSignedRoot(sr)
	if err != nil {
		return Head{}, fmt.Errorf("submit root: %w: %w", ErrUntrusted, err)
	}
	what := fmt.Sprintf("root v%d", sr.Root.Version)
	head, _, err := r.update(ctx, what, func(ctx context.Context, c *change) error {
		if err := r.checkNextRoot(ctx, c, sr); err != nil {
			return fmt.Errorf("submit %s of %s: %w: %w", what, r.name, ErrUntrusted, err)
		}
		m := *c.m
		m.Root = rb.CID
		c.m = &m
		c.put(rb)
		c.changed = true
		return nil
	})
	return head, err
}

// checkNextRoot checks that sr may follow the Root the change's manifest
// links (or start one, without).
func (r *Registry) checkNextRoot(ctx context.Context, c *change, sr *trust.SignedRoot) error {
	if sr.Root.Registry != r.name {
		return fmt.Errorf("%w: the root names %s", trust.ErrWrongRegistry, sr.Root.Registry)
	}
	if !c.m.Root.Defined() {
		if sr.Root.Version != 1 {
			return fmt.Errorf("%w: the registry has no root, so the first is version 1, not %d", trust.ErrRootVersion, sr.Root.Version)
		}
		if err := trust.VerifyRoot(sr); err != nil {
			return err
		}
		_, err := trust.VerifyChain(&sr.Root, nil, r.now())
		return err
	}
	cur, err := loadRoot(ctx, c.get, c.m.Root)
	if err != nil {
		return err
	}
	if sr.Root.Version == cur.Root.Version+1 && !sr.Root.Prev.Equals(c.m.Root) {
		return fmt.Errorf("%w: its prev is %s, the current root v%d is %s", trust.ErrWrongRoot, sr.Root.Prev, cur.Root.Version, c.m.Root)
	}
	_, err = trust.VerifyChain(&cur.Root, []*trust.SignedRoot{sr}, r.now())
	return err
}
