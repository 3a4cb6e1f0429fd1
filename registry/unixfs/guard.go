package unixfs

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// What an imported tree must not hold, as UnsafeEntry.Kind says.
const (
	UnsafeActiveHome = "active-home" // a directory given in Options.Homes
	UnsafeHome       = "home"        // a directory laid out as a svcreg home
	UnsafeKey        = "key"         // a private key file: libp2p ed25519, or age passphrase-encrypted
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
	keys, errs := keyChecks(ctx, path, kept)
	for i, e := range kept {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, r := filepath.Join(path, e.Name()), joinRel(rel, e.Name())
		switch {
		case e.IsDir():
			err = s.walk(ctx, p, r, false)
		case e.Type().IsRegular():
			if err = errs[i]; keys[i] {
				s.unsafe = append(s.unsafe, UnsafeEntry{Path: r, Kind: UnsafeKey})
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// keyChecks runs isKeyFile on the regular files among the entries of dir,
// on every core: a tree of many small files is bound by these system
// calls, which the kernel serves in parallel. keys and errs are by entry.
func keyChecks(ctx context.Context, dir string, entries []fs.DirEntry) (keys []bool, errs []error) {
	keys, errs = make([]bool, len(entries)), make([]error, len(entries))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(entries)/16+1) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(entries) {
					return
				}
				if e := entries[i]; e.Type().IsRegular() {
					keys[i], errs[i] = isKeyFile(filepath.Join(dir, e.Name()), e)
				}
			}
		})
	}
	wg.Wait()
	return keys, errs
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

// isKeyFile reports whether the regular file at path is a private key:
// a libp2p protobuf ed25519 key (svcreg's key and node.key, a key from
// 'svcreg key export', an ed25519 key of kubo's keystore) or a small file
// encrypted with an age passphrase, as 'svcreg key new --passphrase-file'
// and 'age -p' write role keys.
func isKeyFile(path string, e fs.DirEntry) (bool, error) {
	fi, err := e.Info()
	if err != nil {
		return false, err
	}
	if fi.Size() != keyFileSize && fi.Size() > maxAgeKeySize {
		return false, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	if len(b) == keyFileSize {
		if _, err := ipnsname.FromKeyFile(b); err == nil {
			return true, nil
		}
	}
	return isAgePassphraseFile(b), nil
}

// maxAgeKeySize bounds the age files taken for keys: an encrypted role key
// is about 250 bytes (400 armored); larger passphrase-encrypted files are
// taken for content.
const maxAgeKeySize = 1 << 10

// ageScryptHeader starts an age file whose only recipient is a passphrase.
const ageScryptHeader = "age-encryption.org/v1\n-> scrypt "

// isAgePassphraseFile reports whether b is an age file encrypted with a
// passphrase, binary or ASCII-armored.
func isAgePassphraseFile(b []byte) bool {
	if bytes.HasPrefix(b, []byte(ageScryptHeader)) {
		return true
	}
	const begin, end = "-----BEGIN AGE ENCRYPTED FILE-----", "-----END AGE ENCRYPTED FILE-----"
	body, ok := bytes.CutPrefix(bytes.TrimSpace(b), []byte(begin))
	if !ok {
		return false
	}
	body, _, ok = bytes.Cut(body, []byte(end))
	if !ok {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
	return err == nil && bytes.HasPrefix(raw, []byte(ageScryptHeader))
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
