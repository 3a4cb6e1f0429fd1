package home_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// ReadKeyFile reads a named file and standard input ("-") up to
// ipnsname.MaxKeyFileSize bytes each.
func TestReadKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.key")
	if err := os.WriteFile(path, []byte("from the file"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := svchome.ReadKeyFile(path, strings.NewReader("unused")); err != nil || string(b) != "from the file" {
		t.Errorf("file: %q, %v", b, err)
	}
	if _, err := svchome.ReadKeyFile(path+".missing", nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	full := bytes.Repeat([]byte{'k'}, ipnsname.MaxKeyFileSize)
	if b, err := svchome.ReadKeyFile("-", bytes.NewReader(full)); err != nil || !bytes.Equal(b, full) {
		t.Errorf("stdin at the limit: %d bytes, %v", len(b), err)
	}
	_, err := svchome.ReadKeyFile("-", bytes.NewReader(append(full, 'k')))
	if !errors.Is(err, ipnsname.ErrKeyFile) || !strings.HasPrefix(err.Error(), "read key from standard input: ") {
		t.Errorf("stdin beyond the limit: %v, want ipnsname.ErrKeyFile", err)
	}
	big := filepath.Join(t.TempDir(), "big.key")
	if err := os.WriteFile(big, append(full, 'k'), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = svchome.ReadKeyFile(big, nil)
	if !errors.Is(err, ipnsname.ErrKeyFile) || !strings.HasPrefix(err.Error(), "read key from "+big+": ") {
		t.Errorf("file beyond the limit: %v, want ipnsname.ErrKeyFile", err)
	}
}
