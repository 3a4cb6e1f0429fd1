package unixfs

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// What an imported tree must not hold, as UnsafeEntry.Kind says.
const (
	UnsafeActiveHome = "active-home" // a directory given in Options.Homes
	UnsafeHome       = "home"        // a directory laid out as a svcreg home
	UnsafeKey        = "key"         // a svcreg (libp2p ed25519) private key file
)

// keyFileSize is the size of a libp2p protobuf ed25519 private key file,
// svcreg's key format (registry/ipns/ipnsname): a 4-byte header and the
// 64-byte key.
const keyFileSize = 4 + ed25519.PrivateKeySize

// UnsafeEntry is an entry of an imported directory that must not be
// published.
type UnsafeEntry struct {
	Path string // slash-separated, relative to the imported directory; "." for itself
	Kind string // UnsafeActiveHome, UnsafeHome or UnsafeKey
}

// UnsafeTreeError is returned by Import and Hash, before anything is
// imported, when the directory holds a svcreg home or key file that the
// rules (hidden, IgnoreFile, Options.Exclude) do not leave out. It wraps
// ErrUnsafeTree.
type UnsafeTreeError struct {
	Entries []UnsafeEntry // in walk order
}

func (e *UnsafeTreeError) Error() string {
	var parts []string
	for i, en := range e.Entries {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(e.Entries)-i))
			break
		}
		parts = append(parts, en.Path+" is "+describeUnsafe(en.Kind))
	}
	return fmt.Sprintf("%s: %s", ErrUnsafeTree, strings.Join(parts, "; "))
}

func (e *UnsafeTreeError) Unwrap() error { return ErrUnsafeTree }

func describeUnsafe(kind string) string {
	switch kind {
	case UnsafeActiveHome:
		return "the svcreg home in use (its private key and index would be published)"
	case UnsafeHome:
		return "a svcreg home (its private key and index would be published)"
	default:
		return "a svcreg private key file"
	}
}

// survey walks dir as the import will, before it starts: it lists the
// entries f leaves out and refuses (UnsafeTreeError) a tree that still
// holds one of homes, a directory laid out as a svcreg home, or a key
// file. Symlinks are not followed, as the import does not follow them.
type survey struct {
	f       *filter
	homes   []fs.FileInfo
	skipped []Skipped
	unsafe  []UnsafeEntry
}

func runSurvey(ctx context.Context, dir string, f *filter, homes []string) ([]Skipped, error) {
	s := &survey{f: f}
	for _, h := range homes {
		if fi, err := os.Stat(h); err == nil {
			s.homes = append(s.homes, fi)
		}
	}
	if err := s.walk(ctx, dir, "", true); err != nil {
		return nil, err
	}
	if len(s.unsafe) > 0 {
		return nil, &UnsafeTreeError{Entries: s.unsafe}
	}
	return s.skipped, nil
}

func (s *survey) walk(ctx context.Context, path, rel string, root bool) error {
	entries, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	kept := entries[:0]
	for _, e := range entries {
		if sk, ok := s.f.skip(joinRel(rel, e.Name()), e.IsDir()); ok {
			s.skipped = append(s.skipped, sk)
			continue
		}
		kept = append(kept, e)
	}
	if kind, err := s.homeKind(path, kept, root); err != nil {
		return err
	} else if kind != "" {
		s.unsafe = append(s.unsafe, UnsafeEntry{Path: relOrDot(rel), Kind: kind})
		return nil // what is inside says nothing more
	}
	for _, e := range kept {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, r := filepath.Join(path, e.Name()), joinRel(rel, e.Name())
		switch {
		case e.IsDir():
			err = s.walk(ctx, p, r, false)
		case e.Type().IsRegular():
			var key bool
			if key, err = isKeyFile(p, e); key {
				s.unsafe = append(s.unsafe, UnsafeEntry{Path: r, Kind: UnsafeKey})
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// homeKind says whether the directory at path, with the entries kept,
// is one of the homes or laid out as a svcreg home: index.db beside
// blocks/, heads/ or a key file named key.
func (s *survey) homeKind(path string, kept []fs.DirEntry, root bool) (string, error) {
	if len(s.homes) > 0 {
		stat := os.Lstat
		if root {
			stat = os.Stat // a symlink given as the directory is followed
		}
		fi, err := stat(path)
		if err != nil {
			return "", err
		}
		for _, h := range s.homes {
			if os.SameFile(fi, h) {
				return UnsafeActiveHome, nil
			}
		}
	}
	has := map[string]fs.FileMode{}
	for _, e := range kept {
		has[e.Name()] = e.Type()
	}
	index, ok := has["index.db"]
	if !ok || !index.IsRegular() {
		return "", nil
	}
	if t, ok := has["blocks"]; ok && t.IsDir() {
		return UnsafeHome, nil
	}
	if t, ok := has["heads"]; ok && t.IsDir() {
		return UnsafeHome, nil
	}
	if t, ok := has["key"]; ok && t.IsRegular() {
		return UnsafeHome, nil
	}
	return "", nil
}

// isKeyFile reports whether the regular file at path is a libp2p
// protobuf ed25519 private key: svcreg's key and node.key, a key from
// 'svcreg key export', or an ed25519 key of kubo's keystore.
func isKeyFile(path string, e fs.DirEntry) (bool, error) {
	fi, err := e.Info()
	if err != nil {
		return false, err
	}
	if fi.Size() != keyFileSize {
		return false, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	_, err = ipnsname.FromKeyFile(b)
	return err == nil, nil
}

func relOrDot(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

// Exclude is the pattern (Options.Exclude, IgnoreFile syntax) that leaves
// e out of an import: /PATH for a key file, /PATH/ for a home.
func (e UnsafeEntry) Exclude() string {
	if e.Kind == UnsafeKey {
		return "/" + e.Path
	}
	return "/" + e.Path + "/"
}
