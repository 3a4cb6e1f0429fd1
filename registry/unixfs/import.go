package unixfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	chunk "github.com/ipfs/boxo/chunker"
	"github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
)

// importMu serialises imports: boxo's import settings are process-wide
// globals, and one import must not see another's profile.
var importMu sync.Mutex

// Options configures Import.
type Options struct {
	// Profile is ProfileV1 or ProfileV0; "" means ProfileV1.
	Profile string
	// Hidden includes files and directories whose name starts with '.'
	// (kubo's --hidden). By default they are skipped at every depth.
	Hidden bool
	// SafeSymlinks refuses (ErrUnsafeSymlink) a symlink that Export would
	// refuse to write: an absolute target, or one that could leave the
	// directory. svcreg publish sets it.
	SafeSymlinks bool
	// Exclude lists gitignore-style patterns of paths, relative to the
	// directory, to leave out; they follow the rules of the directory's
	// IgnoreFile, so they win over them.
	Exclude []string
	// Homes lists directories the tree must not contain (the svcreg home
	// in use), compared by identity: Import refuses such a tree with
	// ErrUnsafeTree, as it refuses any svcreg home or key file in it.
	Homes []string
	// Skipped, if set, is called with each entry left out (dotfiles,
	// IgnoreFile, Exclude), in walk order, before the import starts; a
	// directory stands for everything under it.
	Skipped func(Skipped)
	// Progress, if set, is called with the cumulative number of file bytes
	// read: at most every 100ms while reading, and once more at the end.
	Progress func(bytes int64)
	// PutCopies promises that the block store copies a block's bytes
	// before Put returns and keeps no reference to them (registry/flatfs
	// does: it writes them to a file). Import then puts blocks one by one
	// as they are made instead of buffering them, and reuses chunk
	// buffers. A store that keeps the slices (an in-memory one) must not
	// set it.
	PutCopies bool
}

// Result describes an imported directory.
type Result struct {
	Root  cid.Cid // the root directory node
	Size  uint64  // total bytes of regular file content imported
	Files int     // regular files imported
}

// importer holds the state of one Import call.
type importer struct {
	ctx    context.Context
	root   string // the directory imported
	safe   bool   // Options.SafeSymlinks
	prof   uio.UnixFSProfile
	cb     cid.Builder
	dag    ipld.DAGService
	filter *filter
	// reuse lets the leaf hasher recycle chunk buffers: set only when dag
	// drops or copies every node as it is added (Hash, PutCopies).
	reuse bool
	// mapped lets the leaf hasher hash large files in place, mapped into
	// memory: set only when dag drops every node (Hash), so no stored
	// block can differ from the bytes hashed for it.
	mapped bool
	pool   *chunkPool // the large files' chunk buffers, with reuse
	small  *smallBufs // the small files' buffers, with reuse; else nil
	prog   *progress
	res    Result
}

// Import adds the directory dir into bs exactly as `ipfs add -r` of kubo
// 0.43.1 with the profile opts.Profile does, and returns the root CID. A
// symlink given as dir itself is followed; symlinks inside it never are.
// Entries are left out as opts and dir's IgnoreFile say. Before anything
// is imported the tree is walked once: one that holds a svcreg home or
// private key file is refused (UnsafeTreeError) without a block stored.
func Import(ctx context.Context, bs blockstore.Blockstore, dir string, opts Options) (Result, error) {
	dserv := merkledag.NewDAGService(blockservice.New(bs, nil))
	if opts.PutCopies {
		return run(ctx, dir, opts, dserv, func() error { return nil }, putCopies)
	}
	buf := ipld.NewBufferedDAG(ctx, dserv)
	return run(ctx, dir, opts, buf, buf.Commit, putKeeps)
}

// Hash returns what Import would return for dir, storing nothing, like
// `ipfs add -n`. It uses less memory and time than Import into a
// discarding block store: blocks are dropped as they are made, so chunk
// buffers are reused, and large files are hashed in place, mapped into
// memory where the system can.
func Hash(ctx context.Context, dir string, opts Options) (Result, error) {
	return run(ctx, dir, opts, discardDAG{}, func() error { return nil }, putNothing)
}

// sink says what an import's DAG service does with the nodes it is given.
type sink int

const (
	putKeeps   sink = iota // keeps them, bytes and all (a buffered DAG)
	putCopies              // copies their bytes before Add returns
	putNothing             // drops them (Hash)
)

// run imports dir into dag, then calls commit.
func run(ctx context.Context, dir string, opts Options, dag ipld.DAGService, commit func() error, put sink) (Result, error) {
	prof, err := settings(opts.Profile)
	if err != nil {
		return Result{}, fmt.Errorf("import %s: %w", dir, err)
	}
	fi, err := os.Stat(dir)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err // the path is named once, below
	}
	if err != nil {
		return Result{}, fmt.Errorf("import %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return Result{}, fmt.Errorf("import %s: %w", dir, ErrNotDirectory)
	}
	f, err := newFilter(dir, opts)
	if err != nil {
		return Result{}, fmt.Errorf("import %s: %w", dir, err)
	}
	skipped, err := runSurvey(ctx, dir, f, opts.Homes)
	if err != nil {
		return Result{}, fmt.Errorf("import %s: %w", dir, err)
	}
	if opts.Skipped != nil {
		for _, sk := range skipped {
			opts.Skipped(sk)
		}
	}

	importMu.Lock()
	defer importMu.Unlock()
	applyGlobals(prof)

	im := &importer{
		ctx:    ctx,
		root:   dir,
		safe:   opts.SafeSymlinks,
		prof:   prof,
		cb:     prof.CidBuilder(),
		dag:    dag,
		filter: f,
		reuse:  put != putKeeps,
		mapped: put == putNothing,
		prog:   newProgress(opts.Progress),
	}
	if im.reuse {
		im.small = new(smallBufs)
	}
	root, err := im.addDir(dir, "")
	if err == nil {
		err = commit()
	}
	if err != nil {
		return Result{}, fmt.Errorf("import %s: %w", dir, err)
	}
	im.prog.finish()
	im.res.Root = root.Cid()
	return im.res, nil
}

// addDir imports the directory at path (rel inside the imported one) and
// returns its node.
func (im *importer) addDir(path, rel string) (ipld.Node, error) {
	entries, err := os.ReadDir(path) // sorted by name
	if err != nil {
		return nil, err
	}
	d, err := uio.NewDirectory(im.dag,
		uio.WithCidBuilder(im.cb),
		uio.WithMaxLinks(0),
		uio.WithMaxHAMTFanout(im.prof.HAMTShardWidth),
		uio.WithSizeEstimationMode(im.prof.HAMTSizeEstimation))
	if err != nil {
		return nil, err
	}
	d.SetHAMTShardingSize(im.prof.HAMTShardingSize)
	paths := make([]string, len(entries))
	for i, e := range entries {
		paths[i] = filepath.Join(path, e.Name())
	}
	skip := func(i int) bool {
		_, skip := im.filter.skip(joinRel(rel, entries[i].Name()), entries[i].IsDir())
		return skip
	}
	ahead := prefetch(im.ctx, paths, func(i int) bool { return !skip(i) && entries[i].Type().IsRegular() }, int(im.prof.ChunkSize), im.small)
	defer ahead.stop()
	for i, e := range entries {
		if err := im.ctx.Err(); err != nil {
			return nil, err
		}
		if skip(i) {
			continue
		}
		pre, ok, err := ahead.take(im.ctx, i)
		if err != nil {
			return nil, err
		}
		var nd ipld.Node
		if ok && !pre.large {
			nd, err = im.addSmallFile(pre)
		} else {
			nd, err = im.addEntry(paths[i], joinRel(rel, e.Name()), e)
		}
		if err != nil {
			return nil, err
		}
		if err := d.AddChild(im.ctx, e.Name(), nd); err != nil {
			return nil, fmt.Errorf("add %s to directory: %w", e.Name(), err)
		}
		if ok && !pre.large {
			im.small.put(pre.data) // nil unless its node was dropped or copied
		}
	}
	nd, err := d.GetNode()
	if err != nil {
		return nil, err
	}
	return nd, im.dag.Add(im.ctx, nd)
}

// addEntry imports one directory entry without following symlinks.
func (im *importer) addEntry(path, rel string, e fs.DirEntry) (ipld.Node, error) {
	switch t := e.Type(); {
	case t.IsDir():
		return im.addDir(path, rel)
	case t.IsRegular():
		return im.addFile(path)
	case t&fs.ModeSymlink != 0:
		return im.addSymlink(path)
	default:
		return nil, fmt.Errorf("add %s (%s): %w", path, t, ErrSpecialFile)
	}
}

// addFile imports a regular file with the balanced layout, as kubo does.
// A file of several chunks is read and hashed on every core (leaves.go).
func (im *importer) addFile(path string) (nd ipld.Node, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	params := helpers.DagBuilderParams{
		Dagserv:    im.dag,
		RawLeaves:  im.prof.RawLeaves,
		Maxlinks:   im.prof.FileDAGWidth,
		CidBuilder: im.cb,
	}
	var n int64
	var spl chunk.Splitter
	prefix, ok := im.cb.(cid.Prefix)
	if fi, err := f.Stat(); ok && err == nil && fi.Size() > im.prof.ChunkSize {
		var src io.ReaderAt = f
		var pool *chunkPool
		if m, unmap := im.mapFile(f, fi.Size()); m != nil {
			defer unmap()
			// boxo copies dag-pb leaves' bytes out of the mapping here
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer m.recoverFault(&err)
			src = m
		} else {
			pool = im.chunkPool()
		}
		lh := newLeafHasher(src, int(im.prof.ChunkSize), prefix, im.prof.RawLeaves, pool, func(c int) {
			n += int64(c)
			im.prog.add(c)
		})
		defer lh.close()
		spl, params.CidBuilder = lh, lh.builder()
	} else {
		r := im.prog.reader(f)
		spl = chunk.NewSizeSplitter(r, im.prof.ChunkSize)
		defer func() { im.res.Size += uint64(r.n) }()
	}
	db, err := params.New(spl)
	if err != nil {
		return nil, err
	}
	nd, err = balanced.Layout(db)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	im.res.Files++
	im.res.Size += uint64(n)
	return nd, nil
}

// chunkPool returns the pool of chunk buffers of the import's large
// files, made on first use; nil when they cannot be reused.
func (im *importer) chunkPool() *chunkPool {
	if im.reuse && im.pool == nil {
		im.pool = newChunkPool(int(im.prof.ChunkSize), poolBuffers())
	}
	return im.pool
}

// mapFile maps f, of size bytes, for hashing in place when the import
// may (Hash) and the system can; nil otherwise.
func (im *importer) mapFile(f *os.File, size int64) (inPlace, func()) {
	if !im.mapped {
		return nil, nil
	}
	m, unmap := mapFile(f, size)
	return inPlace(m), unmap
}

// addSmallFile imports a regular file of at most one chunk, read ahead:
// the same DAG as addFile makes of it, without opening it again.
func (im *importer) addSmallFile(pre prefetched) (ipld.Node, error) {
	if pre.err != nil {
		return nil, pre.err
	}
	params := helpers.DagBuilderParams{
		Dagserv:    im.dag,
		RawLeaves:  im.prof.RawLeaves,
		Maxlinks:   im.prof.FileDAGWidth,
		CidBuilder: im.cb,
	}
	db, err := params.New(&wholeChunk{data: pre.data})
	if err != nil {
		return nil, err
	}
	nd, err := balanced.Layout(db)
	if err != nil {
		return nil, err
	}
	im.prog.add(len(pre.data))
	im.res.Files++
	im.res.Size += uint64(len(pre.data))
	return nd, nil
}

// wholeChunk is the chunk.Splitter of a file read whole, of at most one
// chunk: it hands boxo the bytes as chunk.NewSizeSplitter would cut them
// (none for an empty file), without a new chunk-sized buffer for each
// file, whose zeroing and collection cost more than hashing small files.
type wholeChunk struct {
	data []byte
	done bool
}

// Reader implements chunk.Splitter; boxo's importer does not call it.
func (w *wholeChunk) Reader() io.Reader { return nil }

// NextBytes implements chunk.Splitter.
func (w *wholeChunk) NextBytes() ([]byte, error) {
	if w.done || len(w.data) == 0 {
		return nil, io.EOF
	}
	w.done = true
	return w.data, nil
}

// addSymlink stores the link's target, unresolved, as a UnixFS symlink node.
func (im *importer) addSymlink(path string) (ipld.Node, error) {
	target, err := os.Readlink(path)
	if err != nil {
		return nil, err
	}
	if im.safe {
		if err := checkImportSymlink(im.root, path, target); err != nil {
			return nil, err
		}
	}
	data, err := ft.SymlinkData(target)
	if err != nil {
		return nil, err
	}
	nd := merkledag.NodeWithData(data)
	if err := nd.SetCidBuilder(im.cb); err != nil {
		return nil, err
	}
	return nd, im.dag.Add(im.ctx, nd)
}
