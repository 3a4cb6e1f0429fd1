package unixfs

import (
	"io"
	"time"
)

// progressInterval is the shortest time between two Progress calls.
const progressInterval = 100 * time.Millisecond

// progress reports cumulative bytes read to an optional callback.
type progress struct {
	fn    func(int64)
	total int64
	last  time.Time
}

// newProgress returns a progress that calls fn, which may be nil.
func newProgress(fn func(int64)) *progress {
	return &progress{fn: fn, last: time.Now()}
}

// add records n more bytes and reports if progressInterval has passed.
func (p *progress) add(n int) {
	p.total += int64(n)
	if p.fn == nil {
		return
	}
	if now := time.Now(); now.Sub(p.last) >= progressInterval {
		p.last = now
		p.fn(p.total)
	}
}

// finish reports the final total.
func (p *progress) finish() {
	if p.fn != nil {
		p.fn(p.total)
	}
}

// reader wraps r so that its reads are counted.
func (p *progress) reader(r io.Reader) *countingReader {
	return &countingReader{r: r, p: p}
}

// countingReader counts the bytes read through it, per file and in total.
type countingReader struct {
	r io.Reader
	p *progress
	n int64
}

// Read implements io.Reader.
func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	c.p.add(n)
	return n, err
}
