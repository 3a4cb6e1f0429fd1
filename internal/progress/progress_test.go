package progress_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcreg/svcreg/internal/progress"
	"github.com/svcreg/svcreg/internal/ptytest"
)

// clock is a clock that stands still until moved.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestMeterLine(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{time.Unix(100, 0)}
	m := progress.NewAt(&buf, "publishing", "files", c.now)
	c.t = c.t.Add(2 * time.Second)
	m.SetTotal(40, 10<<20)
	m.Set(12, 3<<20)
	if got, want := buf.String(), "\rpublishing: 12/40 files, 3.0 MiB/10.0 MiB (30%), 1.5 MiB/s\x1b[K"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	m.Set(13, 4<<20) // within Interval: not drawn
	if strings.Count(buf.String(), "\r") != 1 {
		t.Fatalf("drawn twice within %s: %q", progress.Interval, buf.String())
	}
	buf.Reset()
	m.Finish()
	if !strings.HasSuffix(buf.String(), "13/40 files, 4.0 MiB/10.0 MiB (40%), 2.0 MiB/s\x1b[K\n") {
		t.Fatalf("Finish: %q", buf.String())
	}
	buf.Reset()
	m.Set(14, 5<<20) // after Finish: nothing
	m.Finish()
	if buf.Len() != 0 {
		t.Fatalf("after Finish: %q", buf.String())
	}

	c = &clock{time.Unix(100, 0)}
	m = progress.NewAt(&buf, "exporting", "blocks", c.now)
	c.t = c.t.Add(time.Second)
	m.Update()(5, 2048)
	if got := buf.String(); got != "\rexporting: 5 blocks, 2.0 KiB, 2.0 KiB/s\x1b[K" {
		t.Fatalf("unknown totals: %q", got)
	}
}

// TestMeterInterval: a line is redrawn once Interval has passed, and the
// percentage says 99 until the last byte is done.
func TestMeterInterval(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{time.Unix(100, 0)}
	m := progress.NewAt(&buf, "importing", "blocks", c.now)
	m.SetTotal(0, 1000)
	m.Reader(strings.NewReader(strings.Repeat("x", 999))).Read(make([]byte, 999))
	c.t = c.t.Add(progress.Interval)
	m.SetItems(7)
	lines := strings.Split(buf.String(), "\r")
	if len(lines) != 3 || !strings.HasPrefix(lines[2], "importing: 7 blocks, 999 B/1000 B (99%), ") {
		t.Fatalf("%q", buf.String())
	}
}

func TestMeterFiles(t *testing.T) {
	dir := t.TempDir()
	for name, size := range map[string]int{"a": 10, "b/c": 20, ".hidden": 5, "d/.e/f": 7} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	c := &clock{time.Unix(100, 0)}
	m := progress.NewAt(&buf, "publishing", "files", c.now)
	update := m.Files(dir, false)
	update(10) // "a" done, in WalkDir's (the importer's) order
	m.Finish()
	if !strings.Contains(buf.String(), "publishing: 1/2 files, 10 B/30 B (33%)") {
		t.Fatalf("%q", buf.String())
	}
}

// TestNilMeter: what New returns off a terminal does nothing.
func TestNilMeter(t *testing.T) {
	var buf bytes.Buffer
	m := progress.New(&buf, "exporting", "blocks")
	if m != nil {
		t.Fatal("a meter on a buffer")
	}
	m.SetTotal(1, 1)
	m.Set(1, 1)
	m.Add(1, 1)
	m.SetItems(1)
	m.Finish()
	if m.Update() != nil || m.Files(t.TempDir(), false) != nil {
		t.Fatal("callbacks of a nil meter")
	}
	r := strings.NewReader("x")
	if m.Reader(r) != r {
		t.Fatal("Reader of a nil meter wraps")
	}
}

// TestIsTerminal: a terminal is one, /dev/null (a character device, where
// scripts send standard error) and a pipe are not, and New gives a nil
// Meter for them.
func TestIsTerminal(t *testing.T) {
	_, tty := ptytest.Open(t)
	if !progress.IsTerminal(tty) {
		t.Error("a pty is not taken for a terminal")
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, f := range []*os.File{null, w} {
		if progress.IsTerminal(f) {
			t.Errorf("%s is taken for a terminal", f.Name())
		}
		if m := progress.New(f, "publishing", "files"); m != nil {
			t.Errorf("New(%s) = a meter, want nil", f.Name())
		}
	}
}
