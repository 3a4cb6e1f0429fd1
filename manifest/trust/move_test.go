package trust_test

import (
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest/trust"
)

// move is a Root v1 of testRegistry (root keys a, b; threshold 2) and a
// move of it to otherRegistry: Root v2 naming otherRegistry and the
// Moved block linking it.
type move struct {
	old    *trust.Root
	oldCID cid.Cid
	next   *trust.SignedRoot
	mv     *trust.Moved
}

// newMove returns a move whose v2 is made by edit (after the defaults:
// the same keys, prev v1) and signed by rootSigners, and whose Moved is
// signed by movedSigners.
func newMove(t *testing.T, edit func(*trust.Root), rootSigners, movedSigners []ed25519.PrivateKey) move {
	t.Helper()
	old := newRoot(1, cid.Undef, keys("a", "b"), 2, keys("p"), 1)
	oldCID := mustEncode(t, signed(t, old, key("a"), key("b"))).CID
	r2 := newRoot(2, oldCID, keys("a", "b"), 2, keys("p"), 1)
	r2.Registry = otherRegistry
	if edit != nil {
		edit(r2)
	}
	next := signed(t, r2, rootSigners...)
	mv := &trust.Moved{From: testRegistry, To: otherRegistry, Root: mustEncode(t, next).CID}
	for _, k := range movedSigners {
		s, err := trust.SignMoved(k, mv)
		if err != nil {
			t.Fatal(err)
		}
		mv.Signatures = append(mv.Signatures, s)
	}
	return move{old, oldCID, next, mv}
}

// Case 9: a move is followed only when the old root threshold and the new
// one signed the new Root, the new one signed the Moved block, and the
// blocks link each other.
func TestVerifyMoveStep(t *testing.T) {
	ab := keys("a", "b")
	if m := newMove(t, nil, ab, ab); trust.VerifyMoveStep(m.old, m.oldCID, m.next, m.mv, t0) != nil {
		t.Fatalf("a valid move: %v", trust.VerifyMoveStep(m.old, m.oldCID, m.next, m.mv, t0))
	}
	newKeys := func(r *trust.Root) { // v2 held by c, d alone
		*r = *newRoot(2, r.Prev, keys("c", "d"), 2, keys("p"), 1)
		r.Registry = otherRegistry
	}
	cases := []struct {
		name string
		m    func() move
		want error
	}{
		{"root v2 signed by the old threshold only", func() move { return newMove(t, newKeys, ab, keys("c", "d")) }, trust.ErrThreshold},
		{"root v2 signed by the new threshold only", func() move { return newMove(t, newKeys, keys("c", "d"), keys("c", "d")) }, trust.ErrThreshold},
		{"root v2 with one of two keys", func() move { return newMove(t, nil, keys("a"), ab) }, trust.ErrThreshold},
		{"moved signed by one of two keys", func() move { return newMove(t, nil, ab, keys("a")) }, trust.ErrThreshold},
		{"moved signed by the old keys only", func() move { return newMove(t, newKeys, keys("a", "b", "c", "d"), ab) }, trust.ErrThreshold},
		{"unsigned moved", func() move { return newMove(t, nil, ab, nil) }, trust.ErrThreshold},
		{"a jump from v1 to v3", func() move { return newMove(t, func(r *trust.Root) { r.Version = 3 }, ab, ab) }, trust.ErrRootVersion},
		{"prev is another block", func() move {
			return newMove(t, func(r *trust.Root) {
				r.Prev = mustEncode(t, signed(t, newRoot(1, cid.Undef, ab, 1, keys("p"), 1), key("a"))).CID
			}, ab, ab)
		}, trust.ErrWrongRoot},
		{"the new root names the old registry", func() move {
			return newMove(t, func(r *trust.Root) { r.Registry = testRegistry }, ab, ab)
		}, trust.ErrWrongRegistry},
		{"an expired new root", func() move { return newMove(t, func(r *trust.Root) { r.Expires = t0 }, ab, ab) }, trust.ErrRootExpired},
		{"moved from another registry", func() move {
			m := newMove(t, nil, ab, nil)
			m.mv.From = "k51qzi5uqu5dother"
			signMoved(t, m.mv, ab...)
			return m
		}, trust.ErrWrongRegistry},
		{"moved to another name than the root's", func() move {
			m := newMove(t, nil, ab, nil)
			m.mv.To = "k51qzi5uqu5dthief"
			signMoved(t, m.mv, ab...)
			return m
		}, trust.ErrWrongRegistry},
		{"moved links another root", func() move {
			m := newMove(t, nil, ab, nil)
			m.mv.Root = m.oldCID
			signMoved(t, m.mv, ab...)
			return m
		}, trust.ErrWrongRoot},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m()
			if err := trust.VerifyMoveStep(m.old, m.oldCID, m.next, m.mv, t0); !errors.Is(err, tc.want) {
				t.Fatalf("VerifyMoveStep: %v, want %v", err, tc.want)
			}
		})
	}
}

func signMoved(t *testing.T, mv *trust.Moved, ks ...ed25519.PrivateKey) {
	t.Helper()
	for _, k := range ks {
		s, err := trust.SignMoved(k, mv)
		if err != nil {
			t.Fatal(err)
		}
		mv.Signatures = append(mv.Signatures, s)
	}
}
