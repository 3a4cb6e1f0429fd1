package unixfs

import (
	"context"
	"io"
	"math"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"
)

// ExportProgress is called while a tree is written with the number of
// files written and the bytes of file content written so far: what the
// user sees growing on disk, each byte counted once, however often the
// export reads a block.
type ExportProgress func(files int, bytes int64)

// ExportSizeProgress is ExportSize calling progress, when not nil, as
// files are written.
func ExportSizeProgress(ctx context.Context, bs blockstore.Blockstore, root cid.Cid, dst string, size uint64, lim Limits, progress ExportProgress) error {
	return export(ctx, bs, root, dst, int64(min(size, math.MaxInt64)), lim, newWriteCounter(progress))
}

// writeCounter counts the files and bytes an export writes and reports
// them to an ExportProgress. A nil *writeCounter counts nothing.
type writeCounter struct {
	fn    ExportProgress
	files int
	bytes int64
}

func newWriteCounter(fn ExportProgress) *writeCounter {
	if fn == nil {
		return nil
	}
	return &writeCounter{fn: fn}
}

// wrap returns w counting what is written through it.
func (c *writeCounter) wrap(w io.Writer) io.Writer {
	if c == nil {
		return w
	}
	return io.MultiWriter(w, c)
}

func (c *writeCounter) Write(p []byte) (int, error) {
	c.bytes += int64(len(p))
	c.fn(c.files, c.bytes)
	return len(p), nil
}

// fileDone counts a file written completely.
func (c *writeCounter) fileDone() {
	if c == nil {
		return
	}
	c.files++
	c.fn(c.files, c.bytes)
}
