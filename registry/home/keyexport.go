package home

import (
	"errors"
	"fmt"
	"io"

	"golang.org/x/term"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/registry/ipns"
)

// ErrKeyToTerminal is returned by WriteKey and ExportKey for a terminal
// without force: a private key is never shown on screen by accident.
var ErrKeyToTerminal = errors.New("refusing to write the private key to a terminal")

// WriteKey writes k's key file bytes (ipns.Key.Marshal) to w, unless w is
// a terminal and force is false: the error then wraps ErrKeyToTerminal
// and nothing is written. A terminal is told by w's file descriptor (an
// Fd method, as *os.File has; a writer that wraps a file can forward
// its own), and is a terminal, not any character device: /dev/null is
// written.
func WriteKey(k *ipns.Key, w io.Writer, force bool) error {
	if !force && isTerminal(w) {
		return fmt.Errorf("key export: %s: %w", k.Name(), ErrKeyToTerminal)
	}
	b, err := k.Marshal()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// ExportKey writes k's key file to path: a new file of mode 0600 that
// never replaces one (ipns.Key.Save: ipns.ErrKeyExists), or a device or
// FIFO written in place through WriteKey, so that a terminal (-o
// /dev/tty) is refused unless force.
func ExportKey(k *ipns.Key, path string, force bool) error {
	special, err := atomicfile.Special(path)
	switch {
	case err != nil:
		return err
	case special:
		return atomicfile.WriteInPlace(path, func(w io.Writer) error { return WriteKey(k, w, force) })
	}
	return k.Save(path)
}

// isTerminal reports whether w is a terminal: whether what is written to
// it would be on screen.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
