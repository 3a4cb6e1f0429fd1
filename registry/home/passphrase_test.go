package home_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/svcreg/svcreg/registry/home"
)

func TestReadPassphrase(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		content []byte
		mode    os.FileMode
		want    []byte
		wantErr error
	}{
		{"plain", []byte("a passphrase"), 0o600, []byte("a passphrase"), nil},
		{"newline", []byte("a passphrase\n"), 0o600, []byte("a passphrase"), nil},
		{"crlf", []byte("a passphrase\r\n"), 0o400, []byte("a passphrase"), nil},
		{"two newlines", []byte("pass\n\n"), 0o600, []byte("pass\n"), nil},
		{"empty", nil, 0o600, nil, home.ErrEmptyPassphrase},
		{"newline only", []byte("\r\n"), 0o600, nil, home.ErrEmptyPassphrase},
		{"group readable", []byte("pass"), 0o640, nil, home.ErrPassphraseFileMode},
		{"too large", bytes.Repeat([]byte("p"), home.MaxPassphraseFile+1), 0o600, nil, home.ErrPassphraseFileTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, tc.content, tc.mode); err != nil {
				t.Fatal(err)
			}
			got, err := home.ReadPassphrase(path)
			if !errors.Is(err, tc.wantErr) || !bytes.Equal(got, tc.want) {
				t.Fatalf("ReadPassphrase = %q, %v; want %q, %v", got, err, tc.want, tc.wantErr)
			}
			var pe *home.PassphraseFileError
			if tc.wantErr != nil && (!errors.As(err, &pe) || pe.Path != path) {
				t.Errorf("error %v is not a PassphraseFileError for %s", err, path)
			}
		})
	}
	if _, err := home.ReadPassphrase(dir); !errors.Is(err, syscall.EISDIR) {
		t.Errorf("directory: %v, want EISDIR", err)
	}
	if _, err := home.ReadPassphrase(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v, want ErrNotExist", err)
	}
}
