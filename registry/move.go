package registry

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// Move is a registry's move to a new name while it is being signed: the
// next version of its Root, naming the new name, and the Moved block that
// links that Root's block. The Root is signed first, by the root
// thresholds of Prev and of its own; the Moved block after, by the root
// threshold of Root, once Root has its signatures (it links Root's block,
// whose CID each Root signature changes).
type Move struct {
	Prev  *trust.SignedRoot // the current Root, version N
	Root  *trust.SignedRoot // version N+1, naming Moved.To
	Moved *trust.Moved      // From, To and a link to Root's block
}

// MoveKeys are the IPNS keys a move needs: the new name's, and the old
// name's for its final record (its signer's lifetime is the final
// record's: long, within the new Root's maximum record lifetime).
type MoveKeys struct {
	New   Signer
	Final Signer
}

// MoveResult is what SubmitMove did: Final is the old name's final record
// (FinalSeq, pointing at the Moved block), to be published where the old
// name was; New is the new name's head.
type MoveResult struct {
	Final, New  Head
	RootVersion uint64
}

// PrepareMove returns the move of the registry to the name to, unsigned:
// the next version of its Root with ch applied (NextRoot; ch sets the
// expiry), naming to, and the Moved block. A registry without a Root
// wraps ErrNoRoot.
func (r *Registry) PrepareMove(ctx context.Context, to string, ch RootChange) (*Move, error) {
	if to == r.name {
		return nil, fmt.Errorf("move %s: %w: the new name is the registry's own", r.name, ErrRootChange)
	}
	next, cur, err := r.RotateRoot(ctx, ch)
	if err != nil {
		return nil, err
	}
	next.Root.Registry = to
	m := &Move{Prev: cur, Root: next, Moved: &trust.Moved{From: r.name, To: to}}
	if err := m.link(); err != nil {
		return nil, err
	}
	return m, nil
}

// link points the Moved block at the Root's current block, dropping the
// signatures made for another.
func (m *Move) link() error {
	b, err := trust.EncodeSignedRoot(m.Root)
	if err != nil {
		return err
	}
	if !m.Moved.Root.Equals(b.CID) {
		m.Moved.Root, m.Moved.Signatures = b.CID, nil
	}
	return nil
}

// RootComplete reports whether the Root carries the root thresholds of
// its prev and of its own: the Moved block may be signed.
func (m *Move) RootComplete() bool {
	return trust.VerifyRootSignatures(&m.Prev.Root, m.Root) == nil
}

// Sign adds key's signature to the Root while it lacks its thresholds
// (SignRoot), then, once it has them, to the Moved block. It reports
// whether either signature is new. A key that holds the root role of
// neither Root wraps ErrNotRootKey.
func (m *Move) Sign(key ed25519.PrivateKey) (bool, error) {
	if m.Prev == nil {
		return false, fmt.Errorf("sign move: %w: the file lacks the root before the move", ErrRootChange)
	}
	id := trust.KeyID(key.Public().(ed25519.PublicKey))
	if !slices.Contains(m.Root.Root.Roles[trust.RoleRoot].KeyIDs, id) && !slices.Contains(m.Prev.Root.Roles[trust.RoleRoot].KeyIDs, id) {
		return false, fmt.Errorf("key %s: %w v%d", id, ErrNotRootKey, m.Root.Root.Version)
	}
	added := false
	if !m.RootComplete() {
		var err error
		if added, err = SignRoot(m.Root, &m.Prev.Root, key); err != nil {
			return false, err
		}
	}
	if err := m.link(); err != nil {
		return false, err
	}
	if !m.RootComplete() {
		return added, nil
	}
	if !slices.Contains(m.Root.Root.Roles[trust.RoleRoot].KeyIDs, id) {
		return added, nil // a key of the old Root only: the new one signs the Moved block
	}
	if slices.ContainsFunc(m.Moved.Signatures, func(s trust.Signature) bool { return s.KeyID == id }) {
		return added, nil
	}
	s, err := trust.SignMoved(key, m.Moved)
	if err != nil {
		return false, err
	}
	m.Moved.Signatures = append(m.Moved.Signatures, s)
	return true, nil
}

// MovedSigned counts the distinct root keys of the new Root whose
// signature of the Moved block verifies.
func (m *Move) MovedSigned() int {
	b, err := trust.EncodeMoved(m.Moved.Unsigned())
	if err != nil {
		return 0
	}
	msg := append([]byte(trust.DomainMoved), b.Data...)
	r := &m.Root.Root
	seen := map[string]bool{}
	for _, s := range m.Moved.Signatures {
		pub, ok := r.Keys[s.KeyID]
		if ok && !seen[s.KeyID] && slices.Contains(r.Roles[trust.RoleRoot].KeyIDs, s.KeyID) && ed25519.Verify(pub, msg, s.Sig) {
			seen[s.KeyID] = true
		}
	}
	return len(seen)
}

// SubmitMove moves the registry to the new name of m, which must follow
// the registry's current Root and carry its signatures
// (trust.VerifyMoveStep; else ErrUntrusted): it stores the new Root and
// the Moved block, makes the new name's first state (seq 1) a manifest
// with the current head's services and releases that links the new Root
// and is signed by the publish keys (UsePublishKeys), and signs with
// keys.Final the old name's final record, at FinalSeq, pointing at the
// Moved block. The old name's head and history stay in the index and the
// store; the new Root links the old Roots through prev. A new name with a
// head already wraps ErrExists.
func (r *Registry) SubmitMove(ctx context.Context, m *Move, keys MoveKeys) (MoveResult, error) {
	if keys.New == nil || keys.Final == nil || keys.Final.Name() != r.name {
		return MoveResult{}, fmt.Errorf("move %s: %w", r.name, ErrReadOnly)
	}
	to := m.Moved.To
	if keys.New.Name() != to {
		return MoveResult{}, fmt.Errorf("move %s: the new key is %s, the move is to %s", r.name, keys.New.Name(), to)
	}
	if _, err := r.cache.Head(ctx, to); err == nil {
		return MoveResult{}, fmt.Errorf("move %s: %w: %s has a head here", r.name, ErrExists, to)
	} else if !errors.Is(err, ErrNoHead) {
		return MoveResult{}, err
	}
	_, cur, err := r.Manifest(ctx)
	if err != nil {
		return MoveResult{}, err
	}
	untrusted := func(err error) error { return fmt.Errorf("move %s to %s: %w: %w", r.name, to, ErrUntrusted, err) }
	if !cur.Root.Defined() {
		return MoveResult{}, fmt.Errorf("move %s: %w", r.name, ErrNoRoot)
	}
	old, err := loadRoot(ctx, r.blocks.Get, cur.Root)
	if err != nil {
		return MoveResult{}, err
	}
	if m.Moved.From != r.name {
		return MoveResult{}, untrusted(fmt.Errorf("%w: the move is from %s", trust.ErrWrongRegistry, m.Moved.From))
	}
	if err := trust.VerifyMoveStep(&old.Root, cur.Root, m.Root, m.Moved, r.now()); err != nil {
		return MoveResult{}, untrusted(err)
	}
	rb, err := trust.EncodeSignedRoot(m.Root)
	if err != nil {
		return MoveResult{}, err
	}
	mb, err := trust.EncodeMoved(m.Moved)
	if err != nil {
		return MoveResult{}, err
	}
	for _, b := range []manifest.Block{rb, mb} {
		if err := r.blocks.Put(ctx, b.CID, b.Data); err != nil {
			return MoveResult{}, err
		}
	}
	next := &manifest.Manifest{
		Format: manifest.FormatVersion, Registry: to, Seq: 1, Time: r.now().UTC().Truncate(1e9),
		Change: "move from " + r.name, Services: cur.Services, Releases: cur.Releases, Root: rb.CID,
	}
	moved := *r
	moved.name = to
	rf, err := moved.signManifest(ctx, r.blocks.Get, next)
	if err != nil {
		return MoveResult{}, err
	}
	nb, err := manifest.EncodeManifest(next)
	if err != nil {
		return MoveResult{}, err
	}
	if err := r.blocks.Put(ctx, nb.CID, nb.Data); err != nil {
		return MoveResult{}, err
	}
	rec, err := keys.New.Sign(nb.CID, next.Seq)
	if err != nil {
		return MoveResult{}, fmt.Errorf("sign seq %d of %s: %w", next.Seq, to, err)
	}
	final, err := keys.Final.Sign(mb.CID, FinalSeq)
	if err != nil {
		return MoveResult{}, fmt.Errorf("sign the final record of %s: %w", r.name, err)
	}
	nh := Head{Name: to, Root: nb.CID, Seq: next.Seq, Record: rec}
	if err := swapHead(ctx, r.cache, 0, nh, rf); err != nil {
		return MoveResult{}, err
	}
	return MoveResult{Final: Head{Name: r.name, Root: mb.CID, Seq: FinalSeq, Record: final}, New: nh, RootVersion: m.Root.Root.Version}, nil
}
