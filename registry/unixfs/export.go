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
// unsafe (ErrUnsafeSymlink). A tree that expands beyond the default Limits
// is refused before anything is written (ErrTooLarge).
func Export(ctx context.Context, bs blockstore.Blockstore, root cid.Cid, dst string) error {
	return export(ctx, bs, root, dst, -1, Limits{}, nil)
}

// ExportSize is Export for a release that declares size bytes of file
// content, within lim. Before anything is written, the tree is expanded
// as it would be written (CheckRelease: each distinct directory block
// read once, however often it is linked): its files must declare exactly
// size bytes (else ErrSizeMismatch), and its bytes, entries and depth
// must be within lim (else ErrTooLarge). While writing, each file must
// yield exactly the bytes its node declares, and the bytes and entries
// written are counted against lim again. So a small DAG that links one
// block or one directory many times cannot make a release write without
// bound.
func ExportSize(ctx context.Context, bs blockstore.Blockstore, root cid.Cid, dst string, size uint64, lim Limits) error {
	return export(ctx, bs, root, dst, int64(min(size, math.MaxInt64)), lim, nil)
}

// export is Export, checking sizes against want when want >= 0, and the
// expansion against lim.
func export(ctx context.Context, bs blockstore.Blockstore, root cid.Cid, dst string, want int64, lim Limits, prog *writeCounter) (err error) {
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
	lim = lim.withDefaults()
	if _, err := checkRelease(ctx, vbs, root, want, lim); err != nil {
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
	return writeTree(ctx, dir, dst, lim, prog)
}

// writeTree writes dir into a temporary sibling of dst and renames it to dst.
func writeTree(ctx context.Context, dir files.Directory, dst string, lim Limits, prog *writeCounter) error {
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
	e := &exporter{ctx: ctx, root: tmp, lim: lim, prog: prog}
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
// root, which is a temporary directory. It counts what it wrote against
// lim (written, entries).
type exporter struct {
	ctx     context.Context
	root    string
	lim     Limits
	prog    *writeCounter // nil: no progress reported
	written uint64
	entries uint64
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
	if err := unsafeEntry(rel, name, n, depth); err != nil {
		return fmt.Errorf("write %w", err)
	}
	rel = filepath.Join(rel, name)
	if err := e.count(n, depth); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	p := filepath.Join(e.root, rel)
	switch n := n.(type) {
	case files.Directory:
		if err := os.Mkdir(p, 0o755); err != nil {
			return fmt.Errorf("write directory %s: %w", rel, err)
		}
		return e.writeDir(n, rel, depth+1)
	case *files.Symlink:
		if err := os.Symlink(n.Target, p); err != nil {
			return fmt.Errorf("write symlink %s: %w", rel, err)
		}
		return nil
	case files.File:
		if err := writeFile(n, p, e.prog); err != nil {
			return fmt.Errorf("write file %s: %w", rel, err)
		}
		e.prog.fileDone()
		return nil
	default:
		return fmt.Errorf("write %s: unknown node type %T", rel, n)
	}
}

// count adds the entry n, depth levels below the export root, to what
// was written, refusing it (ErrTooLarge) when that goes beyond e.lim. A
// file counts with the size its node declares, which writeFile holds it
// to.
func (e *exporter) count(n files.Node, depth int) error {
	if e.entries++; e.entries > e.lim.MaxFiles {
		return fmt.Errorf("%w: more than %d entries", ErrTooLarge, e.lim.MaxFiles)
	}
	if depth+1 > e.lim.MaxDepth {
		return fmt.Errorf("%w: more than %d directories deep", ErrTooLarge, e.lim.MaxDepth)
	}
	switch n := n.(type) {
	case files.Directory, *files.Symlink:
	case files.File:
		s, err := n.Size()
		if err != nil {
			return err
		}
		if uint64(s) > e.lim.MaxSize-e.written {
			return fmt.Errorf("%w: more than %d bytes of files", ErrTooLarge, e.lim.MaxSize)
		}
		e.written += uint64(s)
	}
	return nil
}

// writeFile copies f into a new file p; it never overwrites or follows an
// existing entry.
// The file must yield exactly the bytes its node declares (else
// ErrSizeMismatch); at most one byte more is read.
func writeFile(f files.File, p string, prog *writeCounter) error {
	size, err := f.Size()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(prog.wrap(out), io.LimitReader(f, size+1))
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
