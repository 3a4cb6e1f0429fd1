package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// VerifyPublished checks the state h from the blocks alone, as a node
// must before it re-signs h's record and as fsck does before it rebuilds
// a root floor: h's manifest names h's registry and sequence and, when it
// links a Root, that Root names the registry, carries its own root
// threshold, is not below floor (the root floor recorded, zero when none)
// and the manifest carries its publish threshold. A manifest without a
// Root passes only when floor is zero (else ErrDowngrade). Expiry is not
// checked: a node keeps a state alive until clients refuse it.
//
// It returns the manifest and the root floor h shows (zero for a plain
// registry). Every refusal wraps ErrUntrusted, and trust's error when
// there is one.
func VerifyPublished(ctx context.Context, blocks Blocks, h Head, floor RootFloor) (*manifest.Manifest, RootFloor, error) {
	untrusted := func(err error) error {
		return fmt.Errorf("seq %d of %s: %w: %w", h.Seq, h.Name, ErrUntrusted, err)
	}
	data, err := blocks.Get(ctx, h.Root)
	if err != nil {
		return nil, RootFloor{}, fmt.Errorf("manifest %s (seq %d of %s): %w", h.Root, h.Seq, h.Name, err)
	}
	m, err := manifest.DecodeManifest(data)
	if err != nil {
		return nil, RootFloor{}, fmt.Errorf("manifest %s (seq %d of %s): %w", h.Root, h.Seq, h.Name, err)
	}
	if m.Registry != h.Name || m.Seq != h.Seq {
		return nil, RootFloor{}, fmt.Errorf("%w: the head of %s at seq %d is %s, which is seq %d of %s",
			manifest.ErrInvalidManifest, h.Name, h.Seq, h.Root, m.Seq, m.Registry)
	}
	if !m.Root.Defined() {
		if floor.Root.Defined() {
			return m, RootFloor{}, untrusted(fmt.Errorf("%w (root v%d %s was verified before)", ErrDowngrade, floor.Version, floor.Root))
		}
		return m, RootFloor{}, nil
	}
	sr, err := loadRoot(ctx, blocks.Get, m.Root)
	if err != nil {
		return m, RootFloor{}, err
	}
	if sr.Root.Registry != h.Name {
		return m, RootFloor{}, untrusted(fmt.Errorf("%w: its root names %s", trust.ErrWrongRegistry, sr.Root.Registry))
	}
	if sr.Root.Version < floor.Version {
		return m, RootFloor{}, untrusted(fmt.Errorf("%w: root v%d, v%d was verified before", ErrRollback, sr.Root.Version, floor.Version))
	}
	if err := trust.VerifyRoot(sr); err != nil {
		return m, RootFloor{}, untrusted(err)
	}
	if err := trust.VerifyManifest(&sr.Root, m.Root, m); err != nil {
		return m, RootFloor{}, untrusted(err)
	}
	return m, RootFloor{Root: m.Root, Version: sr.Root.Version}, nil
}

// IndexRootFloor returns ix's root floor of name, or zero when ix keeps
// none (it is no RootFloorIndex).
func IndexRootFloor(ctx context.Context, ix Index, name string) (RootFloor, error) {
	rfi, ok := ix.(RootFloorIndex)
	if !ok {
		return RootFloor{}, nil
	}
	rf, err := rfi.RootFloor(ctx, name)
	if errors.Is(err, ErrNoHead) {
		return RootFloor{}, nil
	}
	return rf, err
}
