package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/unixfs"
)

// meterInterval is the shortest time between two progress lines.
const meterInterval = 200 * time.Millisecond

// meter shows the progress of a long command (publish, get, export,
// import, push, install) on standard error, rewriting one line:
//
//	publishing: 12/40 files, 3.2 MiB/10.0 MiB (32%), 5.1 MiB/s
//
// Totals that are not known are left out (exporting: 812 blocks, 3.2 MiB,
// 5.1 MiB/s). A nil *meter — what newMeter returns when standard error is
// not a terminal or with --json — does nothing, so callers need no checks.
// The library reports to it through callbacks (unixfs.Options.Progress,
// car.Writer.Progress, car.Read's) and through the counting wrappers below.
type meter struct {
	w     io.Writer
	verb  string
	unit  string // "files" or "blocks"
	start time.Time
	now   func() time.Time

	mu          sync.Mutex
	items       int
	bytes       int64
	totalItems  int   // 0: unknown
	totalBytes  int64 // 0: unknown
	lastDraw    time.Time
	drawn, done bool
}

// newMeter returns a meter for the command c, or nil when standard error
// is not a terminal or --json is set.
func newMeter(c *cli.Context, verb, unit string) *meter {
	if c.Bool("json") || !isTerminal(c.App.ErrWriter) {
		return nil
	}
	return &meter{w: c.App.ErrWriter, verb: verb, unit: unit, start: time.Now(), now: time.Now}
}

// setTotal records the totals, when known (0: unknown).
func (m *meter) setTotal(items int, bytes int64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.totalItems, m.totalBytes = items, bytes
	m.mu.Unlock()
}

// set records the items and bytes done so far and redraws the line at
// most every meterInterval.
func (m *meter) set(items int, bytes int64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items, m.bytes = items, bytes
	m.draw(false)
}

// add counts more items and bytes done.
func (m *meter) add(items int, bytes int64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items += items
	m.bytes += bytes
	m.draw(false)
}

// finish draws the final line, if a line was drawn, and ends it.
func (m *meter) finish() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.drawn && !m.done {
		m.draw(true)
		io.WriteString(m.w, "\n")
	}
	m.done = true
}

// draw writes the line; the caller holds m.mu.
func (m *meter) draw(force bool) {
	now := m.now()
	if m.done || !force && m.drawn && now.Sub(m.lastDraw) < meterInterval {
		return
	}
	m.lastDraw, m.drawn = now, true
	// "\r" returns to the start of the line, "\x1b[K" clears what a
	// longer line before left.
	fmt.Fprintf(m.w, "\r%s\x1b[K", m.line(now))
}

// line is the text of the progress line at now; the caller holds m.mu.
func (m *meter) line(now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d", m.verb, m.items)
	if m.totalItems > 0 {
		fmt.Fprintf(&b, "/%d", m.totalItems)
	}
	fmt.Fprintf(&b, " %s, %s", m.unit, humanBytes(m.bytes))
	if m.totalBytes > 0 {
		pct := min(100, m.bytes*100/m.totalBytes)
		if !m.done && pct == 100 && m.bytes < m.totalBytes {
			pct = 99
		}
		fmt.Fprintf(&b, "/%s (%d%%)", humanBytes(m.totalBytes), pct)
	}
	if s := now.Sub(m.start).Seconds(); s > 0 {
		fmt.Fprintf(&b, ", %s/s", humanBytes(int64(float64(m.bytes)/s)))
	}
	return b.String()
}

// blocksUpdate is a callback for car.Writer.Progress and car.Read.
func (m *meter) blocksUpdate() func(blocks int, bytes int64) {
	if m == nil {
		return nil
	}
	return m.set
}

// filesUpdate is a callback for unixfs.ExportSizeProgress and
// ExportAllSizedProgress: files and bytes written (get, install).
func (m *meter) filesUpdate() unixfs.ExportProgress {
	if m == nil {
		return nil
	}
	return m.set
}

// progress is a meter for a block transfer (export, push, fetch): the
// update callback the car package calls, and done to end the line.
func progress(c *cli.Context, verb string) (update func(blocks int, bytes int64), done func()) {
	m := newMeter(c, verb, "blocks")
	return m.blocksUpdate(), m.finish
}

// countingReader counts the bytes read through it into a meter (CAR import:
// the bytes of the file against its size).
type countingReader struct {
	r io.Reader
	m *meter
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.m.add(0, int64(n))
	return n, err
}

// importMeter starts a meter for importing dir (publish): it walks dir
// first, with the importer's rules (dotfiles only with hidden, symlinks
// not followed), for the totals, and turns the importer's byte count into
// files done, as the importer reads the files in the same order.
func importMeter(c *cli.Context, verb, dir string, hidden bool) (m *meter, update func(bytes int64)) {
	if m = newMeter(c, verb, "files"); m == nil {
		return nil, nil
	}
	var ends []int64 // the cumulative size at the end of each file
	var total int64
	root := dir
	if fi, err := os.Lstat(dir); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		root = dir + string(filepath.Separator) // a symlink given as dir is followed
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // the import reports it
		}
		if p != root && !hidden && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				total += fi.Size()
				ends = append(ends, total)
			}
		}
		return nil
	})
	m.setTotal(len(ends), total)
	return m, func(n int64) {
		files := sort.Search(len(ends), func(i int) bool { return ends[i] > n })
		m.set(files, n)
	}
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// setItems records the items done so far, the bytes being counted
// elsewhere (countingReader).
func (m *meter) setItems(items int) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items = items
	m.draw(false)
}
