package unixfs

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/files"
	unixfile "github.com/ipfs/boxo/ipld/unixfs/file"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// One rule decides which entries of a tree are never written: Export
// refuses them as it meets them, CheckTree lists them all without writing
// anything, and Import with Options.SafeSymlinks refuses such symlinks
// before they are stored.

// maxUnsafeListed bounds the entries an UnsafeError names.
const maxUnsafeListed = 10

// UnsafeError lists the entries of a tree that Export refuses to write.
// It matches registry.ErrUnsafeContent, and each entry wraps
// ErrUnsafeSymlink or ErrUnsafeName.
type UnsafeError struct {
	Root    cid.Cid
	Entries []error
}

func (e *UnsafeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", e.Root)
	if len(e.Entries) > 1 {
		fmt.Fprintf(&b, "%d entries would not be written: ", len(e.Entries))
	}
	for i, err := range e.Entries[:min(len(e.Entries), maxUnsafeListed)] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(err.Error())
	}
	if len(e.Entries) > maxUnsafeListed {
		fmt.Fprintf(&b, "; and %d more", len(e.Entries)-maxUnsafeListed)
	}
	return b.String()
}

// Is reports whether target is registry.ErrUnsafeContent.
func (e *UnsafeError) Is(target error) bool { return target == registry.ErrUnsafeContent }

// Unwrap returns the entries' errors.
func (e *UnsafeError) Unwrap() []error { return e.Entries }

// CheckTree reads the UnixFS directory root from bs, every block checked
// against its CID, and returns an *UnsafeError listing each entry that
// Export (and so svcreg get and install) would refuse to write: a symlink
// whose target is absolute or could leave the destination, or a name that
// is not a single path element. It reads directories and the first block
// of each file, not file content (follow.MakeLocal checks that). A missing block
// wraps registry.ErrBlockNotFound, a corrupt one ErrCorruptBlock.
func CheckTree(ctx context.Context, bs blockstore.Blockstore, root cid.Cid) error {
	vbs := &verifyingBlockstore{Blockstore: bs}
	dserv := dagService(vbs)
	nd, err := dserv.Get(ctx, root)
	if err != nil {
		return fmt.Errorf("check %s: %w", root, vbs.explain(notFound(err)))
	}
	top, err := unixfile.NewUnixfsFile(ctx, dserv, nd)
	if err != nil {
		return fmt.Errorf("check %s: %w", root, vbs.explain(notFound(err)))
	}
	defer top.Close()
	dir, ok := top.(files.Directory)
	if !ok {
		return fmt.Errorf("check %s: %w", root, ErrNotDirectory)
	}
	ue := &UnsafeError{Root: root}
	if err := checkDir(ctx, dir, ".", 0, ue); err != nil {
		return fmt.Errorf("check %s: %w", root, vbs.explain(notFound(err)))
	}
	if len(ue.Entries) > 0 {
		return ue
	}
	return nil
}

// checkDir adds the unsafe entries under d, the directory rel that is
// depth levels below the root, to ue.
func checkDir(ctx context.Context, d files.Directory, rel string, depth int, ue *UnsafeError) error {
	it := d.Entries()
	for it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := it.Node()
		err := unsafeEntry(rel, it.Name(), n, depth)
		if sub, ok := n.(files.Directory); ok && err == nil {
			err = checkDir(ctx, sub, path.Join(rel, it.Name()), depth+1, ue)
		} else if err != nil {
			ue.Entries = append(ue.Entries, err)
			err = nil
		}
		n.Close()
		if err != nil {
			return err
		}
	}
	return it.Err()
}

// unsafeEntry returns why Export does not write the entry name of the
// directory rel, depth levels below the root, or nil when it does.
func unsafeEntry(rel, name string, n files.Node, depth int) error {
	if !safeName(name) {
		return fmt.Errorf("%q in %s: %w: not a single path element", name, rel, ErrUnsafeName)
	}
	if l, ok := n.(*files.Symlink); ok {
		if why := symlinkProblem(l.Target, depth); why != "" {
			return fmt.Errorf("symlink %s -> %q: %w: %s", path.Join(rel, name), l.Target, ErrUnsafeSymlink, why)
		}
	}
	return nil
}

// checkImportSymlink returns why the symlink at p, inside the directory
// root being imported, would not be written by Export, or nil.
func checkImportSymlink(root, p, target string) error {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return err
	}
	rel = filepath.ToSlash(rel)
	if why := symlinkProblem(target, strings.Count(rel, "/")); why != "" {
		return fmt.Errorf("symlink %s -> %q: %w: %s", rel, target, ErrUnsafeSymlink, why)
	}
	return nil
}

// safeSymlink reports whether a symlink with this target, stored depth
// directories below the export root, resolves inside the root whatever the
// other symlinks in the tree point to (symlinkProblem).
func safeSymlink(target string, depth int) bool { return symlinkProblem(target, depth) == "" }

// symlinkProblem says why a symlink with this target, stored depth
// directories below the export root, could resolve outside the root, or
// returns "": the target must be relative, and ".." may appear only as
// leading elements (which climb real directories) and no more than depth
// times. A ".." after a named element could climb out of a directory
// reached through another symlink, so it is refused.
func symlinkProblem(target string, depth int) string {
	switch {
	case target == "":
		return "its target is empty"
	case strings.HasPrefix(target, "/"):
		return "its target is absolute"
	case strings.ContainsRune(target, 0):
		return "its target holds a NUL byte"
	}
	up, named := 0, false
	for _, el := range strings.Split(target, "/") {
		switch el {
		case "", ".":
		case "..":
			if named {
				return `".." after a name could climb out through another symlink`
			}
			up++
		default:
			named = true
		}
	}
	if up > depth {
		return "its target leaves the release's directory"
	}
	return ""
}
