package trust

import (
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// Moved says that registry From is now registry To, whose signed Root is
// Root. The old name's final record points at it.
type Moved struct {
	From       string      // the old IPNS name
	To         string      // the new IPNS name
	Root       cid.Cid     // the SignedRoot naming To
	Signatures []Signature // by the root role of Root; none while being signed
}

func (mv *Moved) validate() error {
	switch {
	case mv.From == "" || mv.To == "":
		return fmt.Errorf("%w: moved: empty registry name", ErrInvalid)
	case mv.From == mv.To:
		return fmt.Errorf("%w: moved: from and to are both %s", ErrInvalid, mv.From)
	case !mv.Root.Defined():
		return fmt.Errorf("%w: moved: no root link", ErrInvalid)
	}
	if err := manifest.CheckSignatures(mv.Signatures); err != nil {
		return errors.Join(ErrInvalid, fmt.Errorf("moved: %w", err))
	}
	return nil
}

// Unsigned returns a copy of mv without its signatures: what they cover.
func (mv *Moved) Unsigned() *Moved {
	u := *mv
	u.Signatures = nil
	return &u
}

// EncodeMoved returns the canonical DAG-CBOR block of mv. Without
// signatures, the field is absent.
func EncodeMoved(mv *Moved) (manifest.Block, error) {
	if err := mv.validate(); err != nil {
		return manifest.Block{}, err
	}
	w := wireMoved{From: mv.From, To: mv.To, Root: link(mv.Root)}
	if len(mv.Signatures) > 0 {
		s := wireSigs(mv.Signatures)
		w.Signatures = &s
	}
	return encode(&w, "Moved")
}

// DecodeMoved decodes and validates a Moved block. It refuses blocks over
// MaxSize and lists of more than manifest.MaxSignatures signatures before
// decoding; it verifies no signature.
func DecodeMoved(data []byte) (*Moved, error) {
	if err := checkSize(data, "Moved"); err != nil {
		return nil, err
	}
	w, err := decode[wireMoved](data, "Moved")
	if err != nil {
		return nil, err
	}
	mv := &Moved{From: w.From, To: w.To}
	if mv.Root = unlink(w.Root); !mv.Root.Defined() {
		return nil, fmt.Errorf("%w: moved: root is not a cid link", ErrInvalid)
	}
	if w.Signatures != nil {
		if len(*w.Signatures) == 0 {
			return nil, fmt.Errorf("%w: moved: an empty signature list (absent when unsigned)", ErrInvalid)
		}
		mv.Signatures = sigsOf(*w.Signatures)
	}
	if err := mv.validate(); err != nil {
		return nil, err
	}
	return mv, nil
}
