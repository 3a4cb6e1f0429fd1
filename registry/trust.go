package registry

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"slices"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// PublishKey signs manifests for a registry's publish role (package
// manifest/trust). It is kept apart from Signer, the IPNS key, which a
// node holds: a publish key never needs to be on a node.
type PublishKey interface {
	// KeyID returns the id of the key (trust.KeyID of its public key).
	KeyID() string
	// SignManifest returns the key's publish signature over m.
	SignManifest(m *manifest.Manifest) (manifest.Signature, error)
}

// Ed25519PublishKey is a PublishKey held in memory.
type Ed25519PublishKey ed25519.PrivateKey

// KeyID implements PublishKey.
func (k Ed25519PublishKey) KeyID() string {
	return trust.KeyID(ed25519.PrivateKey(k).Public().(ed25519.PublicKey))
}

// SignManifest implements PublishKey.
func (k Ed25519PublishKey) SignManifest(m *manifest.Manifest) (manifest.Signature, error) {
	return trust.SignManifest(ed25519.PrivateKey(k), m)
}

// UsePublishKeys sets the keys that sign the manifests of r's changes
// when its head links a Root (Config.PublishKeys).
func (r *Registry) UsePublishKeys(keys ...PublishKey) { r.publishers = slices.Clone(keys) }

// loadRoot reads and decodes the signed Root block c. A block over
// trust.MaxSize is refused before it is decoded (trust.ErrTooLarge), and
// a block that is not a signed Root wraps ErrUntrusted and trust's error.
func loadRoot(ctx context.Context, get getFunc, c cid.Cid) (*trust.SignedRoot, error) {
	data, err := get(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("load root %s: %w", c, err)
	}
	if len(data) > trust.MaxSize {
		return nil, fmt.Errorf("load root %s: %w: %w: %d bytes > %d", c, ErrUntrusted, trust.ErrTooLarge, len(data), trust.MaxSize)
	}
	sr, err := trust.DecodeSignedRoot(data)
	if err != nil {
		return nil, fmt.Errorf("load root %s: %w: %w", c, ErrUntrusted, err)
	}
	return sr, nil
}

// signManifest adds the publish signatures to next, the manifest of a
// change of a registry whose head links a Root, and checks that they meet
// the Root's publish threshold. It returns the root floor the head moves
// with. Without publish keys it wraps ErrNoPublishKey.
func (r *Registry) signManifest(ctx context.Context, get getFunc, next *manifest.Manifest) (RootFloor, error) {
	if !next.Root.Defined() {
		return RootFloor{}, nil
	}
	if len(r.publishers) == 0 {
		return RootFloor{}, fmt.Errorf("%s: %w", r.name, ErrNoPublishKey)
	}
	sr, err := loadRoot(ctx, get, next.Root)
	if err != nil {
		return RootFloor{}, err
	}
	next.Signatures = nil
	sigs := make([]manifest.Signature, 0, len(r.publishers))
	for _, k := range r.publishers {
		s, err := k.SignManifest(next)
		if err != nil {
			return RootFloor{}, fmt.Errorf("publish signature by %s: %w", k.KeyID(), err)
		}
		sigs = append(sigs, s)
	}
	next.Signatures = sigs
	if err := trust.VerifyManifest(&sr.Root, next.Root, next); err != nil {
		return RootFloor{}, fmt.Errorf("sign seq %d of %s: %w: %w", next.Seq, r.name, ErrUntrusted, err)
	}
	return RootFloor{Root: next.Root, Version: sr.Root.Version}, nil
}

// swapHead moves the head, and the root floor with it when rf is set and
// the index keeps one.
func swapHead(ctx context.Context, ix Index, prevSeq uint64, h Head, rf RootFloor) error {
	if rfi, ok := ix.(RootFloorIndex); ok && rf.Root.Defined() {
		return rfi.SwapHeadRoot(ctx, prevSeq, h, rf)
	}
	return ix.SwapHead(ctx, prevSeq, h)
}

// checkTrust applies the trust rules to m, the manifest a verified record
// (whose end of life is eol) points at, before the head may move to it:
//
//   - a manifest without a Root is accepted only when the index has never
//     recorded a Root for the registry (else ErrDowngrade);
//   - the first Root seen is trusted on first use: it must name the
//     registry, be signed by its own root threshold and not be expired;
//   - a later Root must descend from the root floor, each step verified
//     (trust.VerifyChain), at most trust.MaxChainSteps steps, refused
//     before any is fetched when further;
//   - the record's end of life is within the Root's maximum record
//     lifetime, and m carries the Root's publish threshold.
//
// Every refusal wraps ErrUntrusted. It returns the root floor to move
// with the head (zero when m has no Root).
func (f *Fetcher) checkTrust(ctx context.Context, m *manifest.Manifest, eol time.Time, prefer int) (RootFloor, error) {
	var floor RootFloor
	if rfi, ok := f.cfg.Index.(RootFloorIndex); ok {
		var err error
		if floor, err = rfi.RootFloor(ctx, f.cfg.Name); err != nil {
			return RootFloor{}, err
		}
	}
	untrusted := func(err error) error {
		return fmt.Errorf("seq %d of %s: %w: %w", m.Seq, f.cfg.Name, ErrUntrusted, err)
	}
	if !m.Root.Defined() {
		if floor.Root.Defined() {
			return RootFloor{}, untrusted(fmt.Errorf("%w (root v%d %s was verified before)", ErrDowngrade, floor.Version, floor.Root))
		}
		return RootFloor{}, nil
	}
	get := func(ctx context.Context, c cid.Cid) ([]byte, error) { return f.get(ctx, c, prefer) }
	sr, err := loadRoot(ctx, get, m.Root)
	if err != nil {
		return RootFloor{}, err
	}
	if sr.Root.Registry != f.cfg.Name {
		return RootFloor{}, untrusted(fmt.Errorf("%w: its root names %s", trust.ErrWrongRegistry, sr.Root.Registry))
	}
	now := f.now()
	var last *trust.Root
	switch v := sr.Root.Version; {
	case !floor.Root.Defined(): // trust on first use
		if err := trust.VerifyRoot(sr); err != nil {
			return RootFloor{}, untrusted(err)
		}
		if last, err = trust.VerifyChain(&sr.Root, nil, now); err != nil {
			return RootFloor{}, untrusted(err)
		}
	case v < floor.Version:
		return RootFloor{}, untrusted(fmt.Errorf("%w: root v%d, v%d was verified before", ErrRollback, v, floor.Version))
	case v-floor.Version > trust.MaxChainSteps:
		return RootFloor{}, untrusted(fmt.Errorf("%w: root v%d is %d steps from the trusted v%d", trust.ErrChainTooLong, v, v-floor.Version, floor.Version))
	default:
		if last, err = f.rootChain(ctx, get, floor, m.Root, sr, now); err != nil {
			return RootFloor{}, err
		}
	}
	if lim := now.Add(last.MaxRecordLifetime); eol.After(lim) {
		return RootFloor{}, untrusted(fmt.Errorf("the record is valid until %s, beyond the root's maximum lifetime of %s",
			eol.UTC().Format(time.RFC3339), last.MaxRecordLifetime))
	}
	if err := trust.VerifyManifest(last, m.Root, m); err != nil {
		return RootFloor{}, untrusted(err)
	}
	return RootFloor{Root: m.Root, Version: last.Version}, nil
}

// rootChain walks back from sr (the signed Root block c) to the version
// of floor, checks that it arrives at floor's block, and verifies the
// steps forward from there. It returns the last Root.
func (f *Fetcher) rootChain(ctx context.Context, get getFunc, floor RootFloor, c cid.Cid, sr *trust.SignedRoot, now time.Time) (*trust.Root, error) {
	untrusted := func(err error) error { return fmt.Errorf("%s: %w: %w", f.cfg.Name, ErrUntrusted, err) }
	back := []*trust.SignedRoot{sr} // newest first
	for cur := sr; cur.Root.Version > floor.Version; {
		c = cur.Root.Prev
		prev, err := loadRoot(ctx, get, c)
		if err != nil {
			return nil, err
		}
		if prev.Root.Version != cur.Root.Version-1 {
			return nil, untrusted(fmt.Errorf("%w: root v%d links v%d as its prev", trust.ErrRootVersion, cur.Root.Version, prev.Root.Version))
		}
		back = append(back, prev)
		cur = prev
	}
	if !c.Equals(floor.Root) {
		return nil, untrusted(fmt.Errorf("%w: root v%d is %s, the one verified before is %s", trust.ErrWrongRoot, floor.Version, c, floor.Root))
	}
	trusted := back[len(back)-1]
	chain := back[:len(back)-1]
	slices.Reverse(chain)
	last, err := trust.VerifyChain(&trusted.Root, chain, now)
	if err != nil {
		return nil, untrusted(err)
	}
	return last, nil
}

// now returns the fetcher's time.
func (f *Fetcher) now() time.Time {
	if f.cfg.Now != nil {
		return f.cfg.Now()
	}
	return time.Now()
}

// CheckRootFloor is the rule an index applies when it moves a root floor
// from old to next: next's version may not be below old's, nor equal to
// it with another Root block (ErrRollback).
func CheckRootFloor(old, next RootFloor) error {
	switch {
	case !next.Root.Defined() || next.Version == 0:
		return fmt.Errorf("root floor: undefined root or version 0")
	case next.Version < old.Version:
		return fmt.Errorf("%w: root v%d, v%d was verified before", ErrRollback, next.Version, old.Version)
	case next.Version == old.Version && !next.Root.Equals(old.Root):
		return fmt.Errorf("%w: root v%d is %s, %s was verified before", ErrRollback, next.Version, next.Root, old.Root)
	}
	return nil
}
