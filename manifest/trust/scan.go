package trust

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// maxScanDepth bounds the nesting listLen follows; a trust block nests
// four levels at most (SignedRoot → Root → roles → Role → keyIDs).
const maxScanDepth = 16

var errScan = errors.New("malformed cbor")

// listLen reads only the CBOR item heads of data, a map, and returns the
// length of the array under the top-level text key key (0 when absent),
// so a list can be refused by its length before anything is decoded. It
// accepts a superset of what the decoders do (it checks no canonical form)
// and refuses indefinite lengths, which DAG-CBOR forbids.
func listLen(data []byte, key string) (int, error) {
	s := scanner{data: data}
	major, n, err := s.head()
	if err != nil {
		return 0, err
	}
	if major != 5 {
		return 0, fmt.Errorf("%w: not a map", errScan)
	}
	found := -1
	for ; n > 0; n-- {
		kmajor, klen, err := s.head()
		if err != nil {
			return 0, err
		}
		isKey := false
		if kmajor == 3 {
			k, err := s.take(klen)
			if err != nil {
				return 0, err
			}
			isKey = string(k) == key
		} else if err := s.skipBody(kmajor, klen, 1); err != nil {
			return 0, err
		}
		if !isKey {
			if err := s.skip(1); err != nil {
				return 0, err
			}
			continue
		}
		vmajor, vlen, err := s.head()
		if err != nil {
			return 0, err
		}
		if vmajor == 4 && found < 0 {
			found = int(min(vlen, 1<<31))
		}
		if err := s.skipBody(vmajor, vlen, 1); err != nil {
			return 0, err
		}
	}
	return max(found, 0), nil
}

type scanner struct {
	data []byte
	off  int
}

// head reads one item head: its major type and argument.
func (s *scanner) head() (major byte, arg uint64, err error) {
	if s.off >= len(s.data) {
		return 0, 0, fmt.Errorf("%w: unexpected end", errScan)
	}
	b := s.data[s.off]
	s.off++
	major, info := b>>5, b&0x1f
	switch {
	case info < 24:
		return major, uint64(info), nil
	case info <= 27:
		size := 1 << (info - 24)
		p, err := s.take(uint64(size))
		if err != nil {
			return 0, 0, err
		}
		var buf [8]byte
		copy(buf[8-size:], p)
		return major, binary.BigEndian.Uint64(buf[:]), nil
	default:
		return 0, 0, fmt.Errorf("%w: indefinite length or reserved head 0x%02x", errScan, b)
	}
}

func (s *scanner) take(n uint64) ([]byte, error) {
	if n > uint64(len(s.data)-s.off) {
		return nil, fmt.Errorf("%w: unexpected end", errScan)
	}
	p := s.data[s.off : s.off+int(n)]
	s.off += int(n)
	return p, nil
}

// skip passes one whole item.
func (s *scanner) skip(depth int) error {
	major, arg, err := s.head()
	if err != nil {
		return err
	}
	return s.skipBody(major, arg, depth)
}

// skipBody passes what follows an item's head.
func (s *scanner) skipBody(major byte, arg uint64, depth int) error {
	if depth > maxScanDepth {
		return fmt.Errorf("%w: nested too deeply", errScan)
	}
	switch major {
	case 2, 3: // byte and text strings
		_, err := s.take(arg)
		return err
	case 4, 5: // arrays and maps: every item is at least one byte
		items := arg
		if major == 5 {
			if arg > uint64(len(s.data)) {
				return fmt.Errorf("%w: unexpected end", errScan)
			}
			items = 2 * arg
		}
		for ; items > 0; items-- {
			if err := s.skip(depth + 1); err != nil {
				return err
			}
		}
	case 6: // a tag: one item follows
		return s.skip(depth + 1)
	}
	return nil // integers and simple values: the head is all
}
