package registry

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// The operations a ChangeEntry names.
const (
	OpAdd     = "add"     // a new release
	OpRemove  = "remove"  // a release gone (never made by svcreg)
	OpReplace = "replace" // a release with other content (never made by svcreg)
	OpYank    = "yank"    // a release yanked, or its reason changed
	OpUnyank  = "unyank"  // a yanked release restored
	OpTag     = "tag"     // a tag set or moved
	OpUntag   = "untag"   // a tag removed
)

// ChangeEntry is one thing a change between two manifests does to one
// release or tag.
type ChangeEntry struct {
	Op      string
	Service manifest.Name
	Version string  // the release's version; for a tag, the version it names ("" for OpUntag)
	Content cid.Cid // OpAdd, OpReplace: the release's content
	Size    uint64  // OpAdd, OpReplace
	Old     cid.Cid // OpReplace, OpRemove: the content before
	Tag     string  // OpTag, OpUntag
	OldTag  string  // OpTag, OpUntag: the version the tag named before ("" when new)
	Reason  string  // OpYank
}

// String words e as the change's signers see it: "+ tts@1.0.1 bafy…",
// "yank tts@1.0.0", "tag tts latest → 1.0.1".
func (e ChangeEntry) String() string {
	switch e.Op {
	case OpAdd:
		return fmt.Sprintf("+ %s@%s %s (%d bytes)", e.Service, e.Version, e.Content, e.Size)
	case OpRemove:
		return fmt.Sprintf("- %s@%s %s", e.Service, e.Version, e.Old)
	case OpReplace:
		return fmt.Sprintf("! %s@%s content %s → %s", e.Service, e.Version, e.Old, e.Content)
	case OpYank:
		if e.Reason != "" {
			return fmt.Sprintf("yank %s@%s (%q)", e.Service, e.Version, e.Reason)
		}
		return fmt.Sprintf("yank %s@%s", e.Service, e.Version)
	case OpUnyank:
		return fmt.Sprintf("unyank %s@%s", e.Service, e.Version)
	case OpTag:
		if e.OldTag != "" {
			return fmt.Sprintf("tag %s %s → %s (was %s)", e.Service, e.Tag, e.Version, e.OldTag)
		}
		return fmt.Sprintf("tag %s %s → %s", e.Service, e.Tag, e.Version)
	case OpUntag:
		return fmt.Sprintf("untag %s %s (was %s)", e.Service, e.Tag, e.OldTag)
	}
	return e.Op
}

// diffServices returns what changes between the service indexes old and
// next, reading only the nodes that differ (and, for a service whose
// versions moved between its block and a version index, all of its
// versions): the blocks a change CAR carries. Entries come in service,
// then version or tag order.
func diffServices(ctx context.Context, get getFunc, old, next cid.Cid) ([]ChangeEntry, error) {
	var out []ChangeEntry
	t := indexTree(loader(get), nil, 0)
	err := diffTree(ctx, t, old, next, func(name string, a, b cid.Cid) error {
		es, err := diffService(ctx, get, name, a, b)
		out = append(out, es...)
		return err
	})
	return out, err
}

// diffTree calls fn, in key order, for every key whose entry differs
// between the trees under a and b (an undefined CID on a side without
// it), descending only where the two trees' nodes differ. A node pair
// met twice, a tree deeper than maxBranchDepth or a misfiled key is
// refused.
func diffTree[V any](ctx context.Context, t shardTree[V], a, b cid.Cid, fn func(key string, a, b V) error) error {
	seen := map[[2]cid.Cid]bool{}
	var zero V
	var node func(a, b cid.Cid, path []string) error
	node = func(a, b cid.Cid, path []string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		switch {
		case a.Equals(b):
			return nil
		case seen[[2]cid.Cid{a, b}]:
			return fmt.Errorf("%w: index nodes %s and %s are linked more than once", manifest.ErrInvalidManifest, a, b)
		case len(path) > maxBranchDepth:
			return errTooDeep(b)
		}
		seen[[2]cid.Cid{a, b}] = true
		na, err := loadNode(ctx, t, a)
		if err != nil {
			return err
		}
		nb, err := loadNode(ctx, t, b)
		if err != nil {
			return err
		}
		if na.isBranch() && nb.isBranch() {
			keys := slices.Sorted(maps.Keys(union(na.children, nb.children)))
			for _, k := range keys {
				if err := node(na.children[k], nb.children[k], append(slices.Clip(path), k)); err != nil {
					return err
				}
			}
			return nil
		}
		ea, err := entries(ctx, t, a, na, path)
		if err != nil {
			return err
		}
		eb, err := entries(ctx, t, b, nb, path)
		if err != nil {
			return err
		}
		for _, k := range slices.Sorted(maps.Keys(union(ea, eb))) {
			va, oka := ea[k]
			vb, okb := eb[k]
			if !oka {
				va = zero
			}
			if !okb {
				vb = zero
			}
			if err := fn(k, va, vb); err != nil {
				return err
			}
		}
		return nil
	}
	return node(a, b, nil)
}

func loadNode[V any](ctx context.Context, t shardTree[V], c cid.Cid) (shardNode[V], error) {
	if !c.Defined() {
		return shardNode[V]{}, nil
	}
	return t.load(ctx, c)
}

// entries returns every entry under the node n, the block c at path,
// checking that each is filed under its shard keys and that the subtree
// is at most maxBranchDepth deep.
func entries[V any](ctx context.Context, t shardTree[V], c cid.Cid, n shardNode[V], path []string) (map[string]V, error) {
	out := map[string]V{}
	seen := map[cid.Cid]bool{}
	var collect func(c cid.Cid, n shardNode[V], path []string) error
	collect = func(c cid.Cid, n shardNode[V], path []string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(path) > maxBranchDepth {
			return errTooDeep(c)
		}
		for k, v := range n.leaf {
			if err := checkFiled(k, path); err != nil {
				return err
			}
			out[k] = v
		}
		for _, k := range slices.Sorted(maps.Keys(n.children)) {
			child := n.children[k]
			if seen[child] {
				return fmt.Errorf("%w: index node %s is linked more than once", manifest.ErrInvalidManifest, child)
			}
			seen[child] = true
			cn, err := t.load(ctx, child)
			if err != nil {
				return err
			}
			if err := collect(child, cn, append(slices.Clip(path), k)); err != nil {
				return err
			}
		}
		return nil
	}
	return out, collect(c, n, path)
}

func union[V any](a, b map[string]V) map[string]bool {
	u := make(map[string]bool, len(a)+len(b))
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

// diffService returns what changes in the service name between its
// Service blocks a and b (undefined: no such service).
func diffService(ctx context.Context, get getFunc, name string, a, b cid.Cid) ([]ChangeEntry, error) {
	sa, sb := manifest.NewService(manifest.Name(name)), manifest.NewService(manifest.Name(name))
	var err error
	if a.Defined() {
		if sa, err = loadService(ctx, get, a, name); err != nil {
			return nil, err
		}
	}
	if b.Defined() {
		if sb, err = loadService(ctx, get, b, name); err != nil {
			return nil, err
		}
	}
	var out []ChangeEntry
	emit := func(v string, ra, rb manifest.Release) error {
		out = append(out, releaseChange(sb.Name, v, ra, rb)...)
		return nil
	}
	if sa.Sharded() && sb.Sharded() {
		err = diffTree(ctx, versionReader(get), sa.VersionIndex, sb.VersionIndex, emit)
	} else {
		if _, err = loadAllVersions(ctx, versionReader(get), sa); err == nil {
			_, err = loadAllVersions(ctx, versionReader(get), sb)
		}
		if err == nil {
			for _, v := range slices.Sorted(maps.Keys(union(sa.Releases, sb.Releases))) {
				emit(v, sa.Releases[v], sb.Releases[v])
			}
		}
	}
	if err != nil {
		return nil, err
	}
	for _, tag := range slices.Sorted(maps.Keys(union(sa.Tags, sb.Tags))) {
		va, vb := sa.Tags[tag], sb.Tags[tag]
		switch {
		case va == vb:
		case vb == "":
			out = append(out, ChangeEntry{Op: OpUntag, Service: sb.Name, Tag: tag, OldTag: va})
		default:
			out = append(out, ChangeEntry{Op: OpTag, Service: sb.Name, Tag: tag, Version: vb, OldTag: va})
		}
	}
	return out, nil
}

// releaseChange says what changed in the release v between a and b
// (zero Releases where it does not exist).
func releaseChange(svc manifest.Name, v string, a, b manifest.Release) []ChangeEntry {
	e := ChangeEntry{Service: svc, Version: v, Content: b.Content, Size: b.Size}
	switch {
	case a.Equal(b):
		return nil
	case !a.Content.Defined():
		e.Op = OpAdd
		out := []ChangeEntry{e}
		if b.Yanked() {
			out = append(out, ChangeEntry{Op: OpYank, Service: svc, Version: v, Reason: b.Yank.Reason})
		}
		return out
	case !b.Content.Defined():
		return []ChangeEntry{{Op: OpRemove, Service: svc, Version: v, Old: a.Content}}
	}
	a2 := a
	a2.Yank = b.Yank
	if !a2.Equal(b) {
		e.Op, e.Old = OpReplace, a.Content
		return []ChangeEntry{e}
	}
	if b.Yanked() {
		return []ChangeEntry{{Op: OpYank, Service: svc, Version: v, Reason: b.Yank.Reason}}
	}
	return []ChangeEntry{{Op: OpUnyank, Service: svc, Version: v}}
}
