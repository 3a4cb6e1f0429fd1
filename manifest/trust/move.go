package trust

import (
	"fmt"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// VerifyMoveStep checks mv, the Moved block that the final record of
// old's registry points at, and next, the signed Root mv links: what a
// client that trusts old (the signed Root block oldCID) must see before
// it follows the registry to its new name.
//
//   - mv moves from old's registry (ErrWrongRegistry);
//   - next names the registry mv moves to, and mv links next's block
//     (ErrWrongRegistry, ErrWrongRoot: VerifyMovedSignatures);
//   - next is old's version plus one and its prev is oldCID
//     (ErrRootVersion, ErrWrongRoot);
//   - the root thresholds of old and of next signed next, and the root
//     threshold of next signed mv (ErrThreshold);
//   - next is not expired at now (ErrRootExpired).
//
// Whether old descends from a Root the client pins is the caller's to
// check (VerifyChain), up to old.
func VerifyMoveStep(old *Root, oldCID cid.Cid, next *SignedRoot, mv *Moved, now time.Time) error {
	if len(next.Signatures) > manifest.MaxSignatures {
		return fmt.Errorf("%w: root v%d: %d > %d", ErrTooManySignatures, next.Root.Version, len(next.Signatures), manifest.MaxSignatures)
	}
	if err := old.validate(); err != nil {
		return fmt.Errorf("trusted root: %w", err)
	}
	nb, err := EncodeSignedRoot(next)
	if err != nil {
		return err
	}
	switch {
	case mv.From != old.Registry:
		return fmt.Errorf("%w: moved from %s, the trusted root names %s", ErrWrongRegistry, mv.From, old.Registry)
	case next.Root.Version != old.Version+1:
		return fmt.Errorf("%w: root v%d after trusted v%d", ErrRootVersion, next.Root.Version, old.Version)
	case !next.Root.Prev.Equals(oldCID):
		return fmt.Errorf("%w: root v%d links prev %s, the trusted root is %s", ErrWrongRoot, next.Root.Version, next.Root.Prev, oldCID)
	}
	if err := VerifyMovedSignatures(&next.Root, nb.CID, mv); err != nil {
		return fmt.Errorf("moved: %w", err)
	}
	if err := VerifyRootSignatures(old, next); err != nil {
		return err
	}
	if !now.Before(next.Root.Expires) {
		return fmt.Errorf("%w: root v%d expired at %s", ErrRootExpired, next.Root.Version, next.Root.Expires.UTC().Format(time.RFC3339))
	}
	return nil
}

// VerifyRootSignatures checks that the root threshold of prev, the Root
// before next, and the root threshold of next's own signed next
// (ErrThreshold): what a step of the Root chain needs, and a move too.
func VerifyRootSignatures(prev *Root, next *SignedRoot) error {
	ub, err := EncodeRoot(&next.Root)
	if err != nil {
		return err
	}
	if err := checkThreshold(prev, RoleRoot, DomainRoot, ub.Data, next.Signatures); err != nil {
		return fmt.Errorf("root v%d by the trusted keys: %w", next.Root.Version, err)
	}
	if err := checkThreshold(&next.Root, RoleRoot, DomainRoot, ub.Data, next.Signatures); err != nil {
		return fmt.Errorf("root v%d by its own keys: %w", next.Root.Version, err)
	}
	return nil
}
