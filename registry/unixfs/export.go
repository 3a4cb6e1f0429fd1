package unixfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/files"
	"github.com/ipfs/boxo/ipld/merkledag"
	unixfile "github.com/ipfs/boxo/ipld/unixfs/file"
	"github.com/ipfs/go-cid"
)

// Export writes the UnixFS directory root into the directory dst, which must
// not exist. Every block is read from bs through a wrapper that rehashes it
// and compares the result with its CID. The tree is written into a temporary
// sibling of dst that is renamed into place at the end, so a failure leaves
// nothing behind. Files are created 0644 and directories 0755 (less the
// umask); symlinks are recreated as they are stored, unless their target is
// unsafe (ErrUnsafeSymlink).
func Export(ctx context.Context, bs blockstore.Blockstore, root cid.Cid, dst string) error {
	return export(ctx, bs, root, dst, -1)
}

// ExportSize is Export for a release that declares size bytes of file
// content. Before anything is written, the sizes the DAG declares for its
// files are added up, once per directory entry as they would be written,
// and must equal size; while writing, each file must yield exactly the
// bytes its node declares. Either mismatch wraps ErrSizeMismatch, so a
// small DAG that links one large block many times cannot make a release
// declared as small write without bound. A tree of more than
// MaxExportEntries entries wraps ErrSizeMismatch too.
func ExportSize(ctx context.Context, bs blockstore.Blockstore, root cid.Cid, dst string, size uint64) error {
	return export(ctx, bs, root, dst, int64(min(size, math.MaxInt64)))
}

// MaxExportEntries bounds the directory entries ExportSize walks: empty
// files add nothing to a release's size, so the count is bounded apart.
const MaxExportEntries = 1 << 24

// export is Export, checking sizes against want when want >= 0.
func export(ctx context.Context, bs blockstore.Blockstore, root cid.Cid, dst string, want int64) (err error) {
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("export %s: %w", dst, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("export %s: %w", dst, err)
	}
	vbs := &verifyingBlockstore{Blockstore: bs}
	defer func() {
		if err != nil {
			err = fmt.Errorf("export %s to %s: %w", root, dst, notFound(vbs.explain(err)))
		}
	}()
	dserv := merkledag.NewDAGService(blockservice.New(vbs, nil))
	nd, err := dserv.Get(ctx, root)
	if err != nil {
		return err
	}
	top, err := unixfile.NewUnixfsFile(ctx, dserv, nd)
	if err != nil {
		return err
	}
	defer top.Close()
	dir, ok := top.(files.Directory)
	if !ok {
		return ErrNotDirectory
	}
	if want >= 0 {
		entries := 0
		got, err := declaredSize(ctx, dir, uint64(want), &entries)
		if err != nil {
			return err
		}
		if got != uint64(want) {
			return fmt.Errorf("%w: the release declares %d bytes, its files declare %d", ErrSizeMismatch, want, got)
		}
		// Iterate afresh for writing.
		top.Close()
		if top, err = unixfile.NewUnixfsFile(ctx, dserv, nd); err != nil {
			return err
		}
		dir = top.(files.Directory)
	}
	return writeTree(ctx, dir, dst)
}

// declaredSize adds up the sizes the file nodes under d declare, counting
// a node once per entry that links it, and stops early once the sum is
// above limit or more than MaxExportEntries entries were seen (counted in
// *entries).
func declaredSize(ctx context.Context, d files.Directory, limit uint64, entries *int) (uint64, error) {
	var total uint64
	it := d.Entries()
	for it.Next() {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if *entries++; *entries > MaxExportEntries {
			return 0, fmt.Errorf("%w: more than %d entries", ErrSizeMismatch, MaxExportEntries)
		}
		var n uint64
		switch nd := it.Node().(type) {
		case files.Directory:
			var err error
			if n, err = declaredSize(ctx, nd, limit-total, entries); err != nil {
				return 0, err
			}
		case *files.Symlink:
			// a link's target is not file content
		case files.File:
			s, err := nd.Size()
			if err != nil {
				return 0, err
			}
			n = uint64(s)
		}
		if n > limit-total {
			return 0, fmt.Errorf("%w: the release declares %d bytes, its files declare more", ErrSizeMismatch, limit)
		}
		total += n
	}
	return total, it.Err()
}

// writeTree writes dir into a temporary sibling of dst and renames it to dst.
func writeTree(ctx context.Context, dir files.Directory, dst string) error {
	tmp, err := os.MkdirTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	e := &exporter{ctx: ctx, root: tmp}
	if err := e.writeDir(dir, ".", 0); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	done = true
	return nil
}

// exporter writes one tree into root; the paths it reports are relative to
// root, which is a temporary directory.
type exporter struct {
	ctx  context.Context
	root string
}

// writeDir writes the entries of d into the existing directory rel, which
// is depth levels below the export root.
func (e *exporter) writeDir(d files.Directory, rel string, depth int) error {
	it := d.Entries()
	for it.Next() {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		if err := e.writeEntry(it.Name(), it.Node(), rel, depth); err != nil {
			return err
		}
	}
	return it.Err()
}

// writeEntry writes the node n named name into the directory rel.
func (e *exporter) writeEntry(name string, n files.Node, rel string, depth int) error {
	defer n.Close()
	if !safeName(name) {
		return fmt.Errorf("write %q in %q: %w", name, rel, ErrUnsafeName)
	}
	rel = filepath.Join(rel, name)
	p := filepath.Join(e.root, rel)
	switch n := n.(type) {
	case files.Directory:
		if err := os.Mkdir(p, 0o755); err != nil {
			return fmt.Errorf("write directory %s: %w", rel, err)
		}
		return e.writeDir(n, rel, depth+1)
	case *files.Symlink:
		if !safeSymlink(n.Target, depth) {
			return fmt.Errorf("write symlink %s -> %q: %w", rel, n.Target, ErrUnsafeSymlink)
		}
		if err := os.Symlink(n.Target, p); err != nil {
			return fmt.Errorf("write symlink %s: %w", rel, err)
		}
		return nil
	case files.File:
		if err := writeFile(n, p); err != nil {
			return fmt.Errorf("write file %s: %w", rel, err)
		}
		return nil
	default:
		return fmt.Errorf("write %s: unknown node type %T", rel, n)
	}
}

// writeFile copies f into a new file p; it never overwrites or follows an
// existing entry.
// The file must yield exactly the bytes its node declares (else
// ErrSizeMismatch); at most one byte more is read.
func writeFile(f files.File, p string) error {
	size, err := f.Size()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(out, io.LimitReader(f, size+1))
	if err == nil && n != size {
		err = fmt.Errorf("%w: the file declares %d bytes, its blocks hold %d or more", ErrSizeMismatch, size, n)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// safeName reports whether name is a single, ordinary path element.
func safeName(name string) bool {
	return name != "" && name != "." && name != ".." &&
		!strings.ContainsAny(name, "/\x00")
}

// safeSymlink reports whether a symlink with this target, stored depth
// directories below the export root, resolves inside the root whatever the
// other symlinks in the tree point to: the target must be relative, and ".."
// may appear only as leading elements (which climb real directories) and no
// more than depth times. A ".." after a named element could climb out of a
// directory reached through another symlink, so it is refused.
func safeSymlink(target string, depth int) bool {
	if target == "" || strings.HasPrefix(target, "/") || strings.ContainsRune(target, 0) {
		return false
	}
	up, named := 0, false
	for _, el := range strings.Split(target, "/") {
		switch el {
		case "", ".":
		case "..":
			if named {
				return false
			}
			up++
		default:
			named = true
		}
	}
	return up <= depth
}
