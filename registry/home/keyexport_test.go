package home_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/svcreg/svcreg/internal/ptytest"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
)

// A private key never reaches a terminal without force, neither as the
// writer given nor as a device named; other writers and /dev/null get
// the key file's bytes.
func TestWriteKeyTerminal(t *testing.T) {
	k, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := k.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	ptmx, tty := ptytest.Open(t)
	if err := svchome.WriteKey(k, tty, false); !errors.Is(err, svchome.ErrKeyToTerminal) {
		t.Fatalf("WriteKey to a terminal: %v, want ErrKeyToTerminal", err)
	}
	if err := svchome.ExportKey(k, tty.Name(), false); !errors.Is(err, svchome.ErrKeyToTerminal) {
		t.Fatalf("ExportKey to %s: %v, want ErrKeyToTerminal", tty.Name(), err)
	}
	if _, err := tty.WriteString("end"); err != nil { // what the terminal shows after the refusals
		t.Fatal(err)
	}
	tty.Close()
	if shown, _ := readAll(ptmx); string(shown) != "end" {
		t.Fatalf("the terminal showed %q, want only the test's own \"end\"", shown)
	}

	var buf bytes.Buffer
	if err := svchome.WriteKey(k, &buf, false); err != nil || !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("WriteKey to a buffer: %v, %d bytes", err, buf.Len())
	}
	if err := svchome.ExportKey(k, os.DevNull, false); err != nil {
		t.Fatalf("ExportKey to %s: %v", os.DevNull, err)
	}
	_, tty2 := ptytest.Open(t)
	if err := svchome.WriteKey(k, tty2, true); err != nil {
		t.Fatalf("WriteKey to a terminal with force: %v", err)
	}
}

// ExportKey writes a new file of mode 0600 and never replaces one.
func TestExportKeyFile(t *testing.T) {
	k, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key")
	if err := svchome.ExportKey(k, path, false); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("exported key of mode %v, want 0600", fi.Mode())
	}
	got, err := ipns.LoadKey(path)
	if err != nil || got.Name() != k.Name() {
		t.Fatalf("exported key loads as %v, %v", got, err)
	}
	if err := svchome.ExportKey(k, path, true); !errors.Is(err, ipns.ErrKeyExists) {
		t.Fatalf("ExportKey over a file: %v, want ErrKeyExists", err)
	}
}

// readAll reads what a pseudo-terminal's controlling side holds, until
// the terminal is closed.
func readAll(ptmx *os.File) ([]byte, error) {
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := ptmx.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return out, err
		}
	}
}
