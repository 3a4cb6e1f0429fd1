package gateway

import (
	"math"

	ipnsrec "github.com/ipfs/boxo/ipns"
)

// finalRecord returns the record stored for name among the records of
// names not followed when it is a final record, at the highest sequence:
// the one a home keeps for the name its registry moved from (`svcreg
// move`), pointing at a Moved block. No record of the name can outrank
// it, the head's included, so the gateway serves it in place of the
// head's record, while paths under /ipns/<name>/ still resolve through
// the head.
func (s *Server) finalRecord(name ipnsrec.Name) ([]byte, *ipnsrec.Record, bool) {
	if s.records == nil {
		return nil, nil, false
	}
	raw, rec, err := s.records.get(name)
	if err != nil {
		return nil, nil, false
	}
	if seq, err := rec.Sequence(); err != nil || seq != math.MaxUint64 {
		return nil, nil, false
	}
	return raw, rec, true
}
