package home

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"syscall"
)

// MaxPassphraseFile bounds how much of a passphrase file is read.
const MaxPassphraseFile = 64 << 10

// ErrEmptyPassphrase is returned by ReadPassphrase for a file that holds
// no passphrase (PassphraseFileError).
var ErrEmptyPassphrase = errors.New("empty passphrase")

// ErrPassphraseFileMode is returned by ReadPassphrase for a file that its
// group or others may read (PassphraseFileError).
var ErrPassphraseFileMode = errors.New("passphrase file accessible by group or others")

// ErrPassphraseFileTooLarge is returned by ReadPassphrase for a file
// larger than MaxPassphraseFile (PassphraseFileError).
var ErrPassphraseFileTooLarge = errors.New("passphrase file too large")

// A PassphraseFileError is a passphrase file that cannot be used: Err is
// ErrEmptyPassphrase, ErrPassphraseFileMode (Mode is the file's) or
// ErrPassphraseFileTooLarge.
type PassphraseFileError struct {
	Path string
	Mode fs.FileMode
	Err  error
}

func (e *PassphraseFileError) Error() string {
	switch e.Err {
	case ErrEmptyPassphrase:
		return fmt.Sprintf("passphrase file %s is empty", e.Path)
	case ErrPassphraseFileMode:
		return fmt.Sprintf("passphrase file %s is accessible by group or others (mode %04o)", e.Path, e.Mode)
	case ErrPassphraseFileTooLarge:
		return fmt.Sprintf("passphrase file %s is larger than %d bytes", e.Path, MaxPassphraseFile)
	}
	return fmt.Sprintf("passphrase file %s: %v", e.Path, e.Err)
}

func (e *PassphraseFileError) Unwrap() error { return e.Err }

// ReadPassphrase returns the passphrase in the file at path: a regular
// file or a pipe (such as bash's <(command)) that only its owner may read,
// as key files are. One trailing newline ("\n" or "\r\n") is not part of
// the passphrase, and an empty passphrase is refused.
func ReadPassphrase(path string) ([]byte, error) {
	b, err := readSecretFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return nil, &PassphraseFileError{Path: path, Err: ErrEmptyPassphrase}
	}
	return b, nil
}

// readSecretFile reads the passphrase file at path, refusing one that its
// group or others may read or that is larger than MaxPassphraseFile.
func readSecretFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err // path once, in the message below
	}
	if err != nil {
		return nil, fmt.Errorf("read passphrase file %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read passphrase file %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("read passphrase file %s: %w", path, syscall.EISDIR)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, &PassphraseFileError{Path: path, Mode: perm, Err: ErrPassphraseFileMode}
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxPassphraseFile+1))
	if err != nil {
		return nil, fmt.Errorf("read passphrase file %s: %w", path, err)
	}
	if len(b) > MaxPassphraseFile {
		return nil, &PassphraseFileError{Path: path, Err: ErrPassphraseFileTooLarge}
	}
	return b, nil
}
