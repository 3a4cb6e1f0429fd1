// Package progress shows the progress of a long command (publish, get,
// export, import, push, install) on a terminal, rewriting one line:
//
//	publishing: 12/40 files, 3.2 MiB/10.0 MiB (32%), 5.1 MiB/s
//
// Totals that are not known are left out (exporting: 812 blocks, 3.2 MiB,
// 5.1 MiB/s). A nil *Meter — what [New] returns when its writer is not a
// terminal — does nothing, so callers need no checks. The library reports
// to a Meter through callbacks ([Meter.Update] for unixfs's and car's
// progress options, [Meter.Files] for an import) and [Meter.Reader].
package progress

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

	"golang.org/x/term"

	"github.com/svcreg/svcreg/internal/bytesize"
)

// Interval is the shortest time between two progress lines.
const Interval = 200 * time.Millisecond

// Meter is one progress line.
type Meter struct {
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

// New returns a Meter that writes to w, or nil when w is not a terminal.
// verb says what is done ("publishing"), unit what is counted ("files",
// "blocks").
func New(w io.Writer, verb, unit string) *Meter {
	if !IsTerminal(w) {
		return nil
	}
	return NewAt(w, verb, unit, time.Now)
}

// NewAt returns a Meter that writes to w, terminal or not, with the clock
// now.
func NewAt(w io.Writer, verb, unit string, now func() time.Time) *Meter {
	return &Meter{w: w, verb: verb, unit: unit, start: now(), now: now}
}

// IsTerminal reports whether w is a terminal. A character device that is
// not one (/dev/null, where scripts send standard error) is not: a
// command run that way pays nothing for a meter no one sees.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// SetTotal records the totals, when known (0: unknown).
func (m *Meter) SetTotal(items int, bytes int64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.totalItems, m.totalBytes = items, bytes
}

// Set records the items and bytes done so far and redraws the line at
// most every Interval.
func (m *Meter) Set(items int, bytes int64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items, m.bytes = items, bytes
	m.draw(false)
}

// SetItems records the items done so far, the bytes being counted
// elsewhere ([Meter.Reader]).
func (m *Meter) SetItems(items int) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items = items
	m.draw(false)
}

// Add counts more items and bytes done.
func (m *Meter) Add(items int, bytes int64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items += items
	m.bytes += bytes
	m.draw(false)
}

// Finish draws the final line, if a line was drawn, and ends it.
func (m *Meter) Finish() {
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

// Update returns Set as a callback (car.Writer.Progress, car.Read,
// unixfs.ExportProgress), or nil for a nil Meter.
func (m *Meter) Update() func(items int, bytes int64) {
	if m == nil {
		return nil
	}
	return m.Set
}

// Reader returns r, counting the bytes read through it as bytes done.
func (m *Meter) Reader(r io.Reader) io.Reader {
	if m == nil {
		return r
	}
	return countingReader{r, m}
}

type countingReader struct {
	r io.Reader
	m *Meter
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.m.Add(0, int64(n))
	return n, err
}

// Files sets the totals of importing dir: it walks dir first, with the
// importer's rules (dotfiles only with hidden, symlinks not followed),
// and returns a callback that turns the importer's byte count into files
// done, as the importer reads the files in the same order. It returns nil
// for a nil Meter.
func (m *Meter) Files(dir string, hidden bool) func(bytes int64) {
	if m == nil {
		return nil
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
	m.SetTotal(len(ends), total)
	return func(n int64) {
		m.Set(sort.Search(len(ends), func(i int) bool { return ends[i] > n }), n)
	}
}

// draw writes the line; the caller holds m.mu.
func (m *Meter) draw(force bool) {
	now := m.now()
	if m.done || !force && m.drawn && now.Sub(m.lastDraw) < Interval {
		return
	}
	m.lastDraw, m.drawn = now, true
	// "\r" returns to the start of the line, "\x1b[K" clears what a
	// longer line before left.
	fmt.Fprintf(m.w, "\r%s\x1b[K", m.line(now))
}

// line is the text of the progress line at now; the caller holds m.mu.
func (m *Meter) line(now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d", m.verb, m.items)
	if m.totalItems > 0 {
		fmt.Fprintf(&b, "/%d", m.totalItems)
	}
	fmt.Fprintf(&b, " %s, %s", m.unit, bytesize.Format(m.bytes))
	if m.totalBytes > 0 {
		pct := min(100, m.bytes*100/m.totalBytes)
		if !m.done && pct == 100 && m.bytes < m.totalBytes {
			pct = 99
		}
		fmt.Fprintf(&b, "/%s (%d%%)", bytesize.Format(m.totalBytes), pct)
	}
	if s := now.Sub(m.start).Seconds(); s > 0 {
		fmt.Fprintf(&b, ", %s/s", bytesize.Format(int64(float64(m.bytes)/s)))
	}
	return b.String()
}
