package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// ErrRootDiverged is returned when the registry's current trust Root does
// not descend from a Root a lock records or a project pins: following its
// prev links does not lead to that Root, a step on the way is not signed
// as manifest/trust requires, or the registry links no Root at all.
// Either the registry was taken over, or its owner replaced the Root.
var ErrRootDiverged = errors.New("the registry's root does not descend from the trusted root")

// rootPin is a Root that a lock records or a project pins.
type rootPin struct {
	root    cid.Cid
	version uint64 // its version when known (a lock records it), else 0
	what    string // whose it is, for messages
}

func (p rootPin) String() string {
	if p.version == 0 {
		return fmt.Sprintf("%s %s", p.what, p.root)
	}
	return fmt.Sprintf("%s v%d %s", p.what, p.version, p.root)
}

// pins returns the Roots the head's Root must descend from: the one p
// pins and the one l records (l may be nil).
func pins(p *manifest.Project, l *manifest.Lock) []rootPin {
	var out []rootPin
	if p != nil && p.Root.Defined() {
		out = append(out, rootPin{root: p.Root, what: "svcreg.json's root"})
	}
	if l != nil && l.Trust != nil {
		out = append(out, rootPin{root: l.Trust.Root, version: l.Trust.Version, what: "the lock's root"})
	}
	return out
}

// headTrust returns the trust root the head's manifest links, as a lock
// records it, and the signed Root; both nil when it links none.
func (st *snapshot) headTrust(ctx context.Context) (*manifest.LockTrust, *trust.SignedRoot, error) {
	if !st.m.Root.Defined() {
		return nil, nil, nil
	}
	sr, err := loadRoot(ctx, st.r.blocks.Get, st.m.Root)
	if err != nil {
		return nil, nil, err
	}
	return &manifest.LockTrust{Root: st.m.Root, Version: sr.Root.Version}, sr, nil
}

// descends checks that the head's Root descends from pin: it walks back
// from the head's Root through prev links, one version at a time, to
// pin's block (at pin's version, when known), and then verifies each step
// forward from there with trust.VerifyRootStep, after trust.VerifyRoot on
// pin's own Root. Expiry is not checked: the fetcher refuses an expired
// Root before the head moves to it. A chain of more than
// trust.MaxChainSteps steps is refused before any step is verified.
//
// Failures wrap ErrRootDiverged (and trust's error, if any); a Root block
// that is not here and cannot be fetched is the store's error
// (unavailable).
func (st *snapshot) descends(ctx context.Context, head *trust.SignedRoot, pin rootPin) error {
	if head == nil {
		return fmt.Errorf("%w: %s: seq %d links no root; %s", ErrRootDiverged, st.r.name, st.head.Seq, pin)
	}
	return descendsFrom(ctx, st.r.blocks.Get, st.r.name, st.m.Root, head, pin)
}

// descendsFrom is descends for the Root head, the signed Root block c of
// the registry name.
func descendsFrom(ctx context.Context, get getFunc, name string, c cid.Cid, head *trust.SignedRoot, pin rootPin) error {
	diverged := func(err error) error {
		return fmt.Errorf("%w: %s: %w", ErrRootDiverged, name, err)
	}
	top, cur := c, head
	back := []*trust.SignedRoot{cur} // newest first
	for !c.Equals(pin.root) {
		v := cur.Root.Version
		switch {
		case v == 1 || pin.version != 0 && v <= pin.version:
			return diverged(fmt.Errorf("its root v%d %s does not descend from %s", head.Root.Version, top, pin))
		case len(back) > trust.MaxChainSteps:
			return diverged(fmt.Errorf("%w: its root v%d is more than %d versions after %s", trust.ErrChainTooLong, head.Root.Version, trust.MaxChainSteps, pin))
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		c = cur.Root.Prev
		prev, err := loadRoot(ctx, get, c)
		switch {
		case err != nil && unavailable(err):
			return err
		case err != nil:
			return diverged(err)
		case prev.Root.Version != v-1:
			return diverged(fmt.Errorf("%w: root v%d links v%d as its prev", trust.ErrRootVersion, v, prev.Root.Version))
		}
		back = append(back, prev)
		cur = prev
	}
	if pin.version != 0 && cur.Root.Version != pin.version {
		return diverged(fmt.Errorf("%w: %s is root v%d", trust.ErrRootVersion, pin, cur.Root.Version))
	}
	if cur.Root.Registry != name {
		return diverged(fmt.Errorf("%w: %s names %s", trust.ErrWrongRegistry, pin, cur.Root.Registry))
	}
	if err := trust.VerifyRoot(cur); err != nil {
		return diverged(fmt.Errorf("%s: %w", pin, err))
	}
	for i := len(back) - 1; i > 0; i-- {
		if err := trust.VerifyRootStep(&back[i].Root, back[i-1]); err != nil {
			return diverged(err)
		}
	}
	return nil
}

// lockTrust is the trust root Lock records for p with old (may be nil):
// the head's, after checking that it descends from the Root p pins and
// the one old records (ErrRootDiverged). It is nil when the head links no
// Root and nothing pins one.
func (st *snapshot) lockTrust(ctx context.Context, p *manifest.Project, old *manifest.Lock) (*manifest.LockTrust, error) {
	tr, head, err := st.headTrust(ctx)
	if err != nil && unavailable(err) {
		return nil, fmt.Errorf("%w: %w", ErrUnverifiable, err)
	} else if err != nil {
		return nil, err
	}
	for _, pin := range pins(p, old) {
		err := st.descends(ctx, head, pin)
		if err != nil && unavailable(err) {
			return nil, fmt.Errorf("%w: the registry's root chain is not all here: %w", ErrUnverifiable, err)
		} else if err != nil {
			return nil, err
		}
	}
	return tr, nil
}

// checkTrust reports, for Check, whether the head's Root descends from
// the Root p pins and the one l records: FindingDiverged when it does
// not, FindingUnverifiable (a failure, not a warning: it is the lock's
// trust that cannot be checked) when Root blocks on the way are not here.
func (st *snapshot) checkTrust(ctx context.Context, p *manifest.Project, l *manifest.Lock, rep *Report) error {
	ps := pins(p, l)
	if len(ps) == 0 {
		return nil // a version-1 lock predates the registry's Root, if it has one
	}
	_, head, headErr := st.headTrust(ctx)
	if headErr != nil && !unavailable(headErr) && !errors.Is(headErr, ErrUntrusted) {
		return headErr
	}
	for _, pin := range ps {
		err := headErr
		if err == nil {
			err = st.descends(ctx, head, pin)
		}
		switch {
		case err == nil:
		case unavailable(err):
			rep.Findings = append(rep.Findings, Finding{Kind: FindingUnverifiable, Err: err,
				Message: fmt.Sprintf("cannot check that the registry's root descends from %s: %v", pin, err)})
		case errors.Is(err, ErrRootDiverged), errors.Is(err, ErrUntrusted):
			rep.Findings = append(rep.Findings, Finding{Kind: FindingDiverged, Err: err, Message: err.Error()})
		default:
			return err
		}
	}
	return nil
}

// TrustChange is how Lock changed the trust root a lock records.
type TrustChange struct {
	Old, New *manifest.LockTrust // Old is nil for a first record, New never is
	Pinned   bool                // the project pins a Root New descends from
}

// String describes c on one line: "trust root v2 bafy… (was v1 bafy…)",
// or for a first record "trust root v1 bafy… (first use: review it)".
func (c TrustChange) String() string {
	s := fmt.Sprintf("trust   root v%d %s", c.New.Version, c.New.Root)
	switch {
	case c.Old != nil:
		return s + fmt.Sprintf(" (was v%d %s)", c.Old.Version, c.Old.Root)
	case c.Pinned:
		return s + " (descends from svcreg.json's root)"
	}
	return s + " (trusted on first use: review it in the lock's diff)"
}
