package home

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
)

// ErrNotMoveFile is returned for a root file used as a move file that
// lacks the Moved block or the Root before the move.
var ErrNotMoveFile = errors.New("no move file")

// WriteRootFile writes the Root file of sr (car.WriteRoot: with prev, the
// Root it follows, and mv, a move's Moved block, when not nil) to path,
// which a user names (atomicfile.WriteOutput), and returns the CID of sr.
func WriteRootFile(ctx context.Context, path string, sr, prev *trust.SignedRoot, mv *trust.Moved) (cid.Cid, error) {
	var rc cid.Cid
	err := atomicfile.WriteOutput(path, 0o644, func(w io.Writer) error {
		var err error
		rc, err = car.WriteRoot(ctx, w, sr, prev, mv)
		return err
	})
	return rc, err
}

// ReadRootFile reads the Root file at path (car.ReadRoot).
func ReadRootFile(path string) (*car.RootFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return car.ReadRoot(bytes.NewReader(data))
}

// ReadMoveFile reads the move file at path (WriteMoveFile's): it must
// hold the Moved block and the Root before the move (ErrNotMoveFile).
func ReadMoveFile(path string) (*registry.Move, error) {
	rf, err := ReadRootFile(path)
	if err != nil {
		return nil, err
	}
	if rf.Moved == nil || rf.Prev == nil {
		return nil, fmt.Errorf("%s is %w (a root file without its moved block or prev root)", path, ErrNotMoveFile)
	}
	return &registry.Move{Prev: rf.Prev, Root: rf.Signed, Moved: rf.Moved}, nil
}

// WriteMoveFile writes the move m to path, as WriteRootFile does.
func WriteMoveFile(ctx context.Context, path string, m *registry.Move) error {
	_, err := WriteRootFile(ctx, path, m.Root, m.Prev, m.Moved)
	return err
}

// SignedFile is what SignRootFile signed.
type SignedFile struct {
	CID          cid.Cid           // the Root's, as written
	Signed, Prev *trust.SignedRoot // the Root and the one before it (nil: none in the file)
	Move         *registry.Move    // set for a move file
	Added        bool              // false: the key had signed it before
}

// SignRootFile signs the Root file at in with the root key and writes it
// to out (in when ""): a move file's Root while it lacks its thresholds,
// then its Moved block (registry.Move.Sign; without the Root before the
// move, ErrNotMoveFile), any other Root file's Root (registry.SignRoot).
func SignRootFile(ctx context.Context, in, out string, key ed25519.PrivateKey) (SignedFile, error) {
	if out == "" {
		out = in
	}
	rf, err := ReadRootFile(in)
	if err != nil {
		return SignedFile{}, err
	}
	s := SignedFile{Signed: rf.Signed, Prev: rf.Prev}
	if rf.Moved != nil {
		if rf.Prev == nil {
			return s, fmt.Errorf("the move file %s lacks the root before the move: %w", in, ErrNotMoveFile)
		}
		s.Move = &registry.Move{Prev: rf.Prev, Root: rf.Signed, Moved: rf.Moved}
		if s.Added, err = s.Move.Sign(key); err != nil {
			return s, err
		}
		return s, WriteMoveFile(ctx, out, s.Move)
	}
	var prev *trust.Root
	if rf.Prev != nil {
		prev = &rf.Prev.Root
	}
	if s.Added, err = registry.SignRoot(rf.Signed, prev, key); err != nil {
		return s, err
	}
	s.CID, err = WriteRootFile(ctx, out, rf.Signed, rf.Prev, nil)
	return s, err
}
