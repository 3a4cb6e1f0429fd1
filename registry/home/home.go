package home

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// The layout of a home.
const (
	KeyFile     = "key"         // ed25519 key, libp2p protobuf, mode 0600
	NodeKeyFile = "node.key"    // the node's identity (svcreg serve)
	BlocksDir   = "blocks"      // flatfs block store, kubo's layout
	IndexFile   = "index.db"    // bbolt: heads, floors, resolutions
	ConfigFile  = "config.json" // remotes, replicas, follow list
	RecordsDir  = "records"     // records of names not followed
)

// Options configure Open. A nil *Options means the zero value.
type Options struct {
	// ReadOnly makes the home read-only even where it could be written.
	ReadOnly bool
	// LockTimeout is how long opening the index waits for another
	// process's lock: 0 means bolt.DefaultTimeout, a negative value a
	// single attempt.
	LockTimeout time.Duration
	// KeepCorrupt leaves a block that fails verification in place
	// (flatfs.Options.KeepCorrupt); a read-only home always does.
	KeepCorrupt bool
}

// Home is an opened home. It is safe for concurrent use.
type Home struct {
	Layout
	dir      string
	opts     Options
	readOnly bool
	blocks   *flatfs.Store

	mu    sync.Mutex
	key   *ipns.Key
	keyOK bool
	ix    *index // the index opened once, or nil
	lease *flatfs.Lease
}

// Check applies the rules every command applies to a home before using
// it: a path that exists must be a directory (ErrNotDir), and nothing in
// it may be writable by group or others (ipnsname.CheckHome). A home that
// does not exist yet passes.
func Check(dir string) error {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() || errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("%w: %s", ErrNotDir, dir)
	}
	return ipnsname.CheckHome(dir)
}

// Open opens the home dir (which Check has accepted): its block store at
// once, the rest on first use. Opening writes nothing: the home, its
// block store and its index are created by the first write.
func Open(dir string, opts *Options) (*Home, error) {
	h := &Home{Layout: Layout(dir), dir: dir}
	if opts != nil {
		h.opts = *opts
	}
	h.readOnly = h.opts.ReadOnly || !writable(dir)
	bs, err := flatfs.Open(h.BlocksDir(), &flatfs.Options{KeepCorrupt: h.opts.KeepCorrupt || h.readOnly})
	if err != nil {
		return nil, err // names the store
	}
	h.blocks = bs
	return h, nil
}

// ReadOnlyDir reports whether the existing directory dir may not be
// written (a read-only mount, or no write permission), as Open decides.
func ReadOnlyDir(dir string) bool { return !writable(dir) }

// writable reports whether an existing dir may be written: access(2)
// reports a read-only file system even to root. A dir that does not
// exist yet is writable (it will be created, or creating it fails).
func writable(dir string) bool {
	if _, err := os.Stat(dir); err != nil {
		return true
	}
	return unix.Access(dir, unix.W_OK) == nil
}

// Layout is the layout of the home at a directory: where each file is.
// Home has its methods; a Layout alone opens nothing.
type Layout string

// Dir returns the home's directory.
func (l Layout) Dir() string { return string(l) }

// KeyPath returns the path of the registry key file.
func (l Layout) KeyPath() string { return filepath.Join(string(l), KeyFile) }

// NodeKeyPath returns the path of the node's identity file.
func (l Layout) NodeKeyPath() string { return filepath.Join(string(l), NodeKeyFile) }

// BlocksDir returns the block store's directory.
func (l Layout) BlocksDir() string { return filepath.Join(string(l), BlocksDir) }

// IndexPath returns the path of the index file.
func (l Layout) IndexPath() string { return filepath.Join(string(l), IndexFile) }

// RecordsDir returns the directory of records of names not followed.
func (l Layout) RecordsDir() string { return filepath.Join(string(l), RecordsDir) }

// ConfigPath returns the path of the config file.
func (l Layout) ConfigPath() string { return filepath.Join(string(l), ConfigFile) }

// HasIndex reports whether the index file exists.
func (l Layout) HasIndex() bool {
	_, err := os.Lstat(l.IndexPath())
	return err == nil
}

// HasBlocks reports whether the block store's directory exists.
func (l Layout) HasBlocks() bool {
	_, err := os.Stat(l.BlocksDir())
	return err == nil
}

// ReadOnly reports whether the home is read-only.
func (h *Home) ReadOnly() bool { return h.readOnly }

// ReadOnlyError is returned by RequireWritable; it wraps ErrReadOnly.
type ReadOnlyError struct{ Dir string }

func (e *ReadOnlyError) Error() string        { return "home " + e.Dir + " is read-only" }
func (e *ReadOnlyError) Is(target error) bool { return target == ErrReadOnly }

// RequireWritable fails with a *ReadOnlyError when the home is read-only.
func (h *Home) RequireWritable() error {
	if h.readOnly {
		return &ReadOnlyError{Dir: h.dir}
	}
	return nil
}

// MkdirAll creates the home directory (mode 0700) when it is missing.
func (h *Home) MkdirAll() error {
	if err := os.MkdirAll(h.dir, 0o700); err != nil {
		return fmt.Errorf("create home %s: %w", h.dir, err)
	}
	return nil
}

// Blocks returns the block store.
func (h *Home) Blocks() *flatfs.Store { return h.blocks }

// Key returns the registry key, loaded once with the one permission rule
// (ipns.LoadKey refuses a key file others can read). A missing key wraps
// ErrNoKey.
func (h *Home) Key() (*ipns.Key, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.keyOK {
		return h.key, nil
	}
	key, err := LoadKey(h.dir)
	if err != nil {
		return nil, err
	}
	h.key, h.keyOK = key, true
	return key, nil
}

// LoadKey loads the registry key of the home dir without opening it.
func LoadKey(dir string) (*ipns.Key, error) {
	key, err := ipns.LoadKey(filepath.Join(dir, KeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w in %s", ErrNoKey, dir)
	}
	return key, err
}

// SaveKey writes k as the registry key (ipns.Key.Save: refuses to
// replace one).
func (h *Home) SaveKey(k *ipns.Key) error {
	if err := h.RequireWritable(); err != nil {
		return err
	}
	if err := k.Save(h.KeyPath()); err != nil {
		return err
	}
	h.mu.Lock()
	h.key, h.keyOK = k, true
	h.mu.Unlock()
	return nil
}

// Lease marks this process as a writer of the block store until Close
// (flatfs.Lease), so that gc keeps what it writes before its head moves.
// It does nothing when a lease is held.
func (h *Home) Lease() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.lease != nil {
		return nil
	}
	l, err := h.blocks.Lease()
	if err != nil {
		return err
	}
	h.lease = l
	return nil
}

// Close releases the index, the lease and the block store.
func (h *Home) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	if h.ix != nil {
		errs = append(errs, h.ix.close())
		h.ix = nil
	}
	if h.blocks != nil {
		errs = append(errs, h.blocks.Close())
	}
	h.lease.Release() // after the index is closed
	h.lease = nil
	return errors.Join(errs...)
}
