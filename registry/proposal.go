package registry

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// A registry whose Root asks for more than one publish signature changes
// in three steps: the home builds the change without making it
// (Proposer), each holder of a publish key checks what it does and signs
// it offline (Change.Summarize, Change.Sign), and the home makes it once
// it carries the threshold (Registry.Submit). docs/TRUST.md tells the
// flow; package car carries a Change as a file.

// Change is a change of a registry that is not made yet: its new
// manifest, which links the previous head and the registry's Root, and
// the blocks that show what it does.
type Change struct {
	// Manifest is the new manifest with the signatures made so far, and
	// Block its encoding.
	Manifest *manifest.Manifest
	Block    manifest.Block
	// Blocks are the DAG-CBOR blocks the change carries besides the
	// manifest: the new index, service and version index nodes, the
	// signed Root, the previous manifest and its nodes along the changed
	// paths.
	Blocks map[cid.Cid][]byte
	// Content lists the content roots of the releases the change adds,
	// whose blocks travel with it.
	Content []cid.Cid
}

// get reads a block the change carries (ErrBlockNotFound otherwise).
func (ch *Change) get(_ context.Context, c cid.Cid) ([]byte, error) {
	if c.Equals(ch.Block.CID) {
		return ch.Block.Data, nil
	}
	if data, ok := ch.Blocks[c]; ok {
		return data, nil
	}
	return nil, fmt.Errorf("the change does not carry block %s: %w", c, ErrBlockNotFound)
}

// ChangeSummary is what a change does, as Change.Summarize found it
// from the blocks it carries: what sign shows before signing, and the
// JSON of sign --json and submit --json.
type ChangeSummary struct {
	Registry    string
	Seq         uint64
	Prev        cid.Cid // the head the change follows
	Manifest    cid.Cid // the new manifest, with its signatures so far
	RootVersion uint64
	Entries     []ChangeEntry
	SignedBy    []string // the Root's publish keys with a valid signature
	Threshold   int      // how many the Root asks for
}

// Ready reports whether the change carries the publish threshold.
func (s *ChangeSummary) Ready() bool { return len(s.SignedBy) >= s.Threshold }

// Summarize checks the change's own consistency and says what it does:
// the previous manifest is of the same registry and one seq lower, the
// linked Root names the registry and is signed by its own root threshold
// (it may still not be the registry's current Root: Submit checks that),
// and the difference between the two manifests' services is read from
// the change's blocks alone (a change that does not carry them wraps
// ErrBlockNotFound). Refusals about the Root wrap ErrUntrusted.
func (ch *Change) Summarize(ctx context.Context) (*ChangeSummary, error) {
	m := ch.Manifest
	prev, err := (&Registry{}).loadManifest(ctx, ch.get, m.Prev)
	if err != nil {
		return nil, fmt.Errorf("previous manifest: %w", err)
	}
	if prev.Registry != m.Registry || prev.Seq+1 != m.Seq {
		return nil, fmt.Errorf("%w: the change is seq %d of %s, its prev seq %d of %s",
			manifest.ErrInvalidManifest, m.Seq, m.Registry, prev.Seq, prev.Registry)
	}
	sr, err := ch.root(ctx)
	if err != nil {
		return nil, err
	}
	es, err := diffServices(ctx, ch.get, prev.Services, m.Services)
	if err != nil {
		return nil, fmt.Errorf("compare seq %d with seq %d: %w", m.Seq, prev.Seq, err)
	}
	s := &ChangeSummary{Registry: m.Registry, Seq: m.Seq, Prev: m.Prev, Manifest: ch.Block.CID, RootVersion: sr.Root.Version,
		Entries: es, Threshold: sr.Root.Roles[trust.RolePublish].Threshold}
	s.SignedBy, err = signedBy(&sr.Root, m)
	return s, err
}

// root loads and checks the signed Root the change links.
func (ch *Change) root(ctx context.Context) (*trust.SignedRoot, error) {
	m := ch.Manifest
	if !m.Root.Defined() {
		return nil, fmt.Errorf("seq %d of %s: %w", m.Seq, m.Registry, ErrNoRoot)
	}
	sr, err := loadRoot(ctx, ch.get, m.Root)
	if err != nil {
		return nil, err
	}
	if sr.Root.Registry != m.Registry {
		return nil, fmt.Errorf("%w: %w: the root names %s, the change %s", ErrUntrusted, trust.ErrWrongRegistry, sr.Root.Registry, m.Registry)
	}
	if err := trust.VerifyRoot(sr); err != nil {
		return nil, fmt.Errorf("root v%d: %w: %w", sr.Root.Version, ErrUntrusted, err)
	}
	return sr, nil
}

// signedBy returns, in key id order, the publish keys of root whose
// signature on m verifies.
func signedBy(root *trust.Root, m *manifest.Manifest) ([]string, error) {
	b, err := manifest.EncodeManifest(m.Unsigned())
	if err != nil {
		return nil, err
	}
	msg := append([]byte(trust.DomainManifest), b.Data...)
	ids := []string{}
	for _, s := range m.Signatures {
		pub, ok := root.Keys[s.KeyID]
		if ok && slices.Contains(root.Roles[trust.RolePublish].KeyIDs, s.KeyID) && !slices.Contains(ids, s.KeyID) &&
			len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, s.Sig) {
			ids = append(ids, s.KeyID)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Sign adds k's publish signature to the change, re-encoding its
// manifest (Block changes). A key the linked Root does not list for
// publishing is refused (wrapping ErrUntrusted). A key that signed
// before is not added twice: its old signature is replaced, and added
// is false when that one was valid.
func (ch *Change) Sign(ctx context.Context, k PublishKey) (added bool, err error) {
	sr, err := ch.root(ctx)
	if err != nil {
		return false, err
	}
	id := k.KeyID()
	if !slices.Contains(sr.Root.Roles[trust.RolePublish].KeyIDs, id) {
		return false, fmt.Errorf("%w: %w: key %s is not a publish key of root v%d", ErrUntrusted, ErrNotListed, id, sr.Root.Version)
	}
	before, err := signedBy(&sr.Root, ch.Manifest)
	if err != nil {
		return false, err
	}
	m := ch.Manifest.Unsigned()
	sig, err := k.SignManifest(m)
	if err != nil {
		return false, fmt.Errorf("publish signature by %s: %w", id, err)
	}
	sigs := slices.DeleteFunc(slices.Clone(ch.Manifest.Signatures), func(s manifest.Signature) bool { return s.KeyID == id })
	if len(sigs) >= manifest.MaxSignatures {
		return false, fmt.Errorf("%w: the change carries %d signatures", manifest.ErrTooManySignatures, len(sigs))
	}
	m.Signatures = append(sigs, sig)
	b, err := manifest.EncodeManifest(m)
	if err != nil {
		return false, err
	}
	ch.Manifest, ch.Block = m, b
	return !slices.Contains(before, id), nil
}

// Proposer builds changes of a registry without making them: each of
// its methods works as the Registry's own, from the current head, and
// returns the change (nil when nothing would change) instead of signing
// a record and moving the head. The publish keys the registry was given
// sign the new manifest; none are needed.
type Proposer struct{ r *Registry }

// Proposer returns a Proposer for r, whose head must link a Root
// (ErrNoRoot otherwise).
func (r *Registry) Proposer() *Proposer { return &Proposer{r: r} }

// Publish proposes PublishAll(ps): its content must be stored.
func (p *Proposer) Publish(ctx context.Context, ps ...Publication) (*Change, error) {
	return p.run(func(r *Registry) error { _, _, err := r.PublishAll(ctx, ps); return err })
}

// Tag proposes Registry.Tag.
func (p *Proposer) Tag(ctx context.Context, service manifest.Name, v manifest.Version, tag string) (*Change, error) {
	return p.run(func(r *Registry) error { _, _, err := r.Tag(ctx, service, v, tag); return err })
}

// Yank proposes Registry.Yank.
func (p *Proposer) Yank(ctx context.Context, service manifest.Name, v manifest.Version, reason string, undo bool) (*Change, error) {
	return p.run(func(r *Registry) error { _, _, err := r.Yank(ctx, service, v, reason, undo); return err })
}

func (p *Proposer) run(fn func(r *Registry) error) (*Change, error) {
	var ch *Change
	r := *p.r
	r.proposal = &ch
	if err := fn(&r); err != nil {
		return nil, err
	}
	return ch, nil
}

// propose makes the change c of head into a Change (update's end when
// proposing).
func (r *Registry) propose(ctx context.Context, head Head, c *change, what string) (*Change, error) {
	next := r.next(head, c, what)
	if !next.Root.Defined() {
		return nil, fmt.Errorf("propose seq %d of %s: %w", next.Seq, r.name, ErrNoRoot)
	}
	for _, k := range r.publishers {
		s, err := k.SignManifest(next.Unsigned())
		if err != nil {
			return nil, fmt.Errorf("publish signature by %s: %w", k.KeyID(), err)
		}
		next.Signatures = append(next.Signatures, s)
	}
	mb, err := manifest.EncodeManifest(next)
	if err != nil {
		return nil, err
	}
	ch := &Change{Manifest: next, Block: mb, Blocks: map[cid.Cid][]byte{}}
	for _, k := range c.order {
		ch.Blocks[k] = c.pending[k].Data
	}
	keep := func(ctx context.Context, k cid.Cid) ([]byte, error) {
		data, err := c.get(ctx, k)
		if err == nil {
			ch.Blocks[k] = data
		}
		return data, err
	}
	for _, k := range []cid.Cid{next.Root, head.Root} {
		if _, err := keep(ctx, k); err != nil {
			return nil, err
		}
	}
	es, err := diffServices(ctx, keep, c.m.Services, next.Services)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.Op == OpAdd || e.Op == OpReplace {
			ch.Content = append(ch.Content, e.Content)
		}
	}
	return ch, nil
}

// CheckChange checks that the change ch can be made now: its manifest
// is of this registry, follows the current head (else
// ErrStaleProposal), links the registry's current Root and carries that
// Root's publish threshold (else ErrUntrusted, wrapping trust's error).
// It returns the current head and the root floor the head moves with.
func (r *Registry) CheckChange(ctx context.Context, ch *Change) (Head, *manifest.Manifest, RootFloor, error) {
	head, cur, err := r.Manifest(ctx)
	if err != nil {
		return Head{}, nil, RootFloor{}, err
	}
	m := ch.Manifest
	switch {
	case m.Registry != r.name:
		return Head{}, nil, RootFloor{}, fmt.Errorf("%w: %w: the change is for %s, not %s", ErrUntrusted, trust.ErrWrongRegistry, m.Registry, r.name)
	case !m.Prev.Equals(head.Root) || m.Seq != head.Seq+1:
		return Head{}, nil, RootFloor{}, fmt.Errorf("%w: the change follows seq %d (%s), the head is seq %d (%s)",
			ErrStaleProposal, m.Seq-1, m.Prev, head.Seq, head.Root)
	case !cur.Root.Defined():
		return Head{}, nil, RootFloor{}, fmt.Errorf("submit to %s: %w", r.name, ErrNoRoot)
	}
	sr, err := loadRoot(ctx, r.blocks.Get, cur.Root)
	if err != nil {
		return Head{}, nil, RootFloor{}, err
	}
	if err := trust.VerifyManifest(&sr.Root, cur.Root, m); err != nil {
		return Head{}, nil, RootFloor{}, fmt.Errorf("submit seq %d of %s: %w: %w", m.Seq, r.name, ErrUntrusted, err)
	}
	return head, cur, RootFloor{Root: cur.Root, Version: sr.Root.Version}, nil
}

// Submit makes the change ch, whose blocks (and the content of the
// releases it adds) are stored, once CheckChange passes and the nodes
// along its changed paths are stored: it stores the manifest, signs the
// record and moves the head and the root floor, as a change does.
func (r *Registry) Submit(ctx context.Context, ch *Change) (Head, error) {
	if r.signer == nil {
		return Head{}, ErrReadOnly
	}
	head, cur, rf, err := r.CheckChange(ctx, ch)
	if err != nil {
		return Head{}, err
	}
	m := ch.Manifest
	diff, err := diffServices(ctx, r.blocks.Get, cur.Services, m.Services)
	if err != nil {
		return Head{}, fmt.Errorf("submit seq %d of %s: %w", m.Seq, r.name, err)
	}
	if err := r.blocks.Put(ctx, ch.Block.CID, ch.Block.Data); err != nil {
		return Head{}, err
	}
	rec, err := r.signer.Sign(ch.Block.CID, m.Seq)
	if err != nil {
		return Head{}, fmt.Errorf("sign seq %d: %w", m.Seq, err)
	}
	h := Head{Name: r.name, Root: ch.Block.CID, Seq: m.Seq, Record: rec}
	changed := make([]manifest.Name, 0, len(diff))
	for _, e := range diff {
		changed = append(changed, e.Service)
	}
	if err := r.moveHead(ctx, head, h, rf, changed); errors.Is(err, ErrHeadMoved) {
		return Head{}, fmt.Errorf("%w: %w", ErrStaleProposal, err)
	} else if err != nil {
		return Head{}, err
	}
	return h, nil
}

type changeEntryJSON struct {
	Op      string `json:"op"`
	Service string `json:"service"`
	Version string `json:"version,omitempty"`
	CID     string `json:"cid,omitempty"`
	Size    uint64 `json:"size,omitempty"`
	Old     string `json:"old_cid,omitempty"`
	Tag     string `json:"tag,omitempty"`
	OldTag  string `json:"old_version,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Text    string `json:"text"`
}

// MarshalJSON writes s as sign --json does: {registry, seq, prev,
// manifest, root_version, changes: [{op, service, version, cid, size,
// old_cid, tag, old_version, reason, text}], signed_by, threshold,
// ready}.
func (s *ChangeSummary) MarshalJSON() ([]byte, error) {
	str := func(c cid.Cid) string {
		if !c.Defined() {
			return ""
		}
		return c.String()
	}
	changes := make([]changeEntryJSON, 0, len(s.Entries))
	for _, e := range s.Entries {
		changes = append(changes, changeEntryJSON{Op: e.Op, Service: string(e.Service), Version: e.Version, CID: str(e.Content),
			Size: e.Size, Old: str(e.Old), Tag: e.Tag, OldTag: e.OldTag, Reason: e.Reason, Text: e.String()})
	}
	return json.Marshal(struct {
		Registry    string            `json:"registry"`
		Seq         uint64            `json:"seq"`
		Prev        string            `json:"prev"`
		Manifest    string            `json:"manifest"`
		RootVersion uint64            `json:"root_version"`
		Changes     []changeEntryJSON `json:"changes"`
		SignedBy    []string          `json:"signed_by"`
		Threshold   int               `json:"threshold"`
		Ready       bool              `json:"ready"`
	}{s.Registry, s.Seq, str(s.Prev), str(s.Manifest), s.RootVersion, changes, s.SignedBy, s.Threshold, s.Ready()})
}
