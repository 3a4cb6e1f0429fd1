package registry

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// FetcherConfig wires a Fetcher. Name, Blocks, Index and Verifier are
// required. No Sources means offline: only the local store answers.
type FetcherConfig struct {
	Name     string         // the registry's IPNS name (k51…)
	Blocks   Blocks         // the local store; verified blocks are kept here
	Index    Index          // heads and rollback floors
	Sources  []Source       // where to fetch from, in order of preference
	Verifier RecordVerifier // checks IPNS records
	Logger   *slog.Logger   // nil: discard
	// RecordGrace is how long Refresh waits for other sources after the
	// first valid record (0: DefaultRecordGrace).
	RecordGrace time.Duration
	// Hedge is how long a block fetch waits for one source before it asks
	// the next one too (0: DefaultHedge).
	Hedge time.Duration
	// Offline says Sources is empty because the network may not be used:
	// a miss then wraps ErrOffline, else (no source configured)
	// ErrNoGateway.
	Offline bool
	// Now is the time the trust rules check expiry against (nil:
	// time.Now).
	Now func() time.Time
}

// Defaults of FetcherConfig.
const (
	DefaultRecordGrace = 300 * time.Millisecond
	DefaultHedge       = 250 * time.Millisecond
)

// Fetcher keeps the local copy of one registry up to date from untrusted
// sources. It trusts nothing a source says: records must verify against
// the registry's name and may not go below the rollback floor, every block
// must hash to its CID, and the manifest a record points at must name the
// same registry and sequence. Only verified data reaches the local store.
//
// A Fetcher is safe for concurrent use. Sources that were unreachable once
// are asked last for the rest of its life.
type Fetcher struct {
	cfg  FetcherConfig
	log  *slog.Logger
	mu   sync.Mutex
	down map[int]bool // indexes of sources that were unreachable
}

// NewFetcher returns a Fetcher for cfg.
func NewFetcher(cfg FetcherConfig) (*Fetcher, error) {
	if cfg.Name == "" || cfg.Blocks == nil || cfg.Index == nil || cfg.Verifier == nil {
		return nil, errors.New("new fetcher: name, blocks, cache and verifier are required")
	}
	if cfg.RecordGrace <= 0 {
		cfg.RecordGrace = DefaultRecordGrace
	}
	if cfg.Hedge <= 0 {
		cfg.Hedge = DefaultHedge
	}
	f := &Fetcher{cfg: cfg, log: cfg.Logger, down: map[int]bool{}}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	return f, nil
}

// Online reports whether the fetcher has sources to ask.
func (f *Fetcher) Online() bool { return len(f.cfg.Sources) > 0 }

// SourceError is what one source did wrong during a fetch.
type SourceError struct {
	Source string
	Err    error
}

func (e SourceError) Error() string { return e.Source + ": " + e.Err.Error() }
func (e SourceError) Unwrap() error { return e.Err }

// Refresh is the outcome of Fetcher.Refresh.
type Refresh struct {
	Head    Head // the head after the refresh (zero if there is none)
	Changed bool // whether the head moved
	// Resigned reports that the head stayed but its record was replaced
	// by a re-signed one with a later end of life.
	Resigned bool
	// Problems lists sources that failed, served invalid data or an older
	// state than the head, even when others gave the answer.
	Problems []SourceError
}

// offer is one source's verified record.
type offer struct {
	src int
	raw []byte
	rec Record
}

// Refresh asks every source, in parallel, for the registry's IPNS record,
// verifies each, and moves the head to the highest valid sequence above
// the local one, after fetching and checking that state's manifest block.
//
// Errors: ErrRollback when every valid record is older than a state seen
// before; ErrRecordNotFound when no source has a record; the verifier's
// error when records were served but none verifies; ErrUnavailable when
// the sources could not be asked; without sources, ErrOffline or
// ErrNoGateway (FetcherConfig.Offline). A source
// serving an old, invalid or no record while another gives a newer valid
// one is only listed in Problems.
func (f *Fetcher) Refresh(ctx context.Context) (Refresh, error) {
	if !f.Online() {
		return Refresh{}, fmt.Errorf("refresh %s: %w", f.cfg.Name, f.Unasked())
	}
	cur, err := f.cfg.Index.Head(ctx, f.cfg.Name)
	if err != nil && !errors.Is(err, ErrNoHead) {
		return Refresh{}, err
	}
	floor, err := f.cfg.Index.Floor(ctx, f.cfg.Name)
	if err != nil {
		return Refresh{}, err
	}
	offers, problems := f.records(ctx)
	res := Refresh{Head: cur, Problems: problems}
	if len(offers) == 0 {
		return res, fetchError(fmt.Sprintf("fetch the record of %s", f.cfg.Name), problems, ErrRecordNotFound)
	}
	var newer []offer
	current := false
	var resigned *offer // the freshest re-signed record of the current state
	for _, o := range offers {
		src := f.cfg.Sources[o.src].String()
		switch {
		case o.rec.Seq > floor:
			newer = append(newer, o)
		case o.rec.Seq == cur.Seq && o.rec.Root.Equals(cur.Root):
			current = true
			if resigned == nil && f.laterEOL(o.rec, cur) {
				resigned = &o
			}
		case o.rec.Seq == cur.Seq:
			res.Problems = append(res.Problems, SourceError{src, f.equivocation(ctx, cur, o.rec, o.src)})
		default:
			res.Problems = append(res.Problems, SourceError{src, fmt.Errorf("%w: serves seq %d, seq %d was seen before", ErrRollback, o.rec.Seq, floor)})
		}
	}
	if len(newer) == 0 {
		if current {
			if resigned != nil {
				res.Head, res.Resigned = f.refreshRecord(ctx, cur, resigned.raw)
			}
			return res, nil
		}
		return res, fmt.Errorf("refresh %s: %w: the sources serve seq %d at most, but seq %d was seen before",
			f.cfg.Name, ErrRollback, offers[0].rec.Seq, floor)
	}
	var first error
	for _, o := range newer {
		h, err := f.adopt(ctx, cur, o.raw, o.rec, o.src)
		if err == nil {
			res.Head, res.Changed = h, true
			for _, p := range newer { // another publish-signed state at the new seq
				if p.rec.Seq == h.Seq && !p.rec.Root.Equals(h.Root) {
					res.Problems = append(res.Problems, SourceError{f.cfg.Sources[p.src].String(), f.equivocation(ctx, h, p.rec, p.src)})
				}
			}
			return res, nil
		}
		if ctx.Err() != nil || errors.Is(err, ErrMoved) {
			return res, err
		}
		res.Problems = append(res.Problems, SourceError{f.cfg.Sources[o.src].String(), err})
		if first == nil {
			first = err
		}
	}
	return res, first
}

// records asks every source for the record at once and returns the valid
// ones, highest sequence first (then latest end of life, then source
// order), and what went wrong with the others. It waits for every source
// only until RecordGrace after the first valid record: a source slower
// than that is left out (and listed in the problems), so that a slow
// source never holds back an answer a fast one gave.
func (f *Fetcher) records(ctx context.Context) ([]offer, []SourceError) {
	type result struct {
		offer
		err error
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan result, len(f.cfg.Sources))
	for i, s := range f.cfg.Sources {
		go func() {
			raw, err := s.Record(rctx, f.cfg.Name)
			if err != nil {
				f.noteDown(i, err)
				ch <- result{offer: offer{src: i}, err: err}
				return
			}
			rec, err := f.cfg.Verifier.VerifyRecord(f.cfg.Name, raw)
			if err != nil {
				ch <- result{offer: offer{src: i}, err: fmt.Errorf("served a record that fails verification: %w", err)}
				return
			}
			ch <- result{offer: offer{src: i, raw: raw, rec: rec}}
		}()
	}
	results := make([]*result, len(f.cfg.Sources))
	var grace <-chan time.Time
	why := "before the deadline"
wait:
	for range f.cfg.Sources {
		select {
		case r := <-ch:
			results[r.src] = &r
			if r.err == nil && grace == nil {
				grace = time.After(f.cfg.RecordGrace)
			}
		case <-grace:
			why = fmt.Sprintf("within %s of the first valid one", f.cfg.RecordGrace)
			break wait
		case <-ctx.Done():
			break wait
		}
	}
	var offers []offer
	var problems []SourceError
	for i, r := range results {
		switch {
		case r == nil:
			f.markSlow(i)
			problems = append(problems, SourceError{f.cfg.Sources[i].String(),
				fmt.Errorf("%w: no record %s", ErrUnreachable, why)})
		case r.err != nil:
			problems = append(problems, SourceError{f.cfg.Sources[i].String(), r.err})
		default:
			offers = append(offers, r.offer)
		}
	}
	slices.SortStableFunc(offers, func(a, b offer) int {
		if c := cmp.Compare(b.rec.Seq, a.rec.Seq); c != 0 {
			return c
		}
		return b.rec.Validity.Compare(a.rec.Validity)
	})
	return offers, problems
}

// Adopt makes the state that raw, a marshalled IPNS record, points at the
// head, as Refresh does for a record from the network; the manifest block
// must be in the local store or available from the sources. It returns
// changed false when raw is the current head's state, and wraps
// ErrRollback when the record's sequence is not above the floor.
func (f *Fetcher) Adopt(ctx context.Context, raw []byte) (Head, bool, error) {
	rec, err := f.cfg.Verifier.VerifyRecord(f.cfg.Name, raw)
	if err != nil {
		return Head{}, false, fmt.Errorf("adopt record of %s: %w", f.cfg.Name, err)
	}
	cur, err := f.cfg.Index.Head(ctx, f.cfg.Name)
	if err != nil && !errors.Is(err, ErrNoHead) {
		return Head{}, false, err
	}
	floor, err := f.cfg.Index.Floor(ctx, f.cfg.Name)
	if err != nil {
		return Head{}, false, err
	}
	switch {
	case rec.Seq == cur.Seq && rec.Root.Equals(cur.Root):
		if f.laterEOL(rec, cur) {
			h, changed := f.refreshRecord(ctx, cur, raw)
			return h, changed, nil
		}
		return cur, false, nil
	case rec.Seq == cur.Seq && rec.Seq == floor:
		return cur, false, fmt.Errorf("adopt record of %s: %w: %w", f.cfg.Name, ErrRollback, f.equivocation(ctx, cur, rec, -1))
	case rec.Seq <= floor:
		return cur, false, fmt.Errorf("adopt record of %s: %w: seq %d, seq %d was seen before", f.cfg.Name, ErrRollback, rec.Seq, floor)
	}
	h, err := f.adopt(ctx, cur, raw, rec, -1)
	return h, err == nil, err
}

// laterEOL reports whether rec, a verified record of cur's state, ends
// later than cur's own record (an expired or unverifiable one ends at the
// zero time).
func (f *Fetcher) laterEOL(rec Record, cur Head) bool {
	old, err := f.cfg.Verifier.VerifyRecord(f.cfg.Name, cur.Record)
	return err != nil || rec.Validity.After(old.Validity)
}

// refreshRecord makes raw, a re-signed record of cur's state, the head's
// record when the cache can (RecordRefresher). It returns the head and
// whether the record was replaced.
func (f *Fetcher) refreshRecord(ctx context.Context, cur Head, raw []byte) (Head, bool) {
	rr, ok := f.cfg.Index.(RecordRefresher)
	if !ok {
		return cur, false
	}
	h := cur
	h.Record = raw
	if err := rr.RefreshRecord(ctx, cur.Record, h); err != nil {
		f.log.Warn("refresh record", "registry", f.cfg.Name, "seq", cur.Seq, "err", err)
		return cur, false
	}
	f.log.Debug("record refreshed", "registry", f.cfg.Name, "seq", cur.Seq)
	return h, true
}

// adopt fetches and checks the manifest block rec points at, applies the
// trust rules (checkTrust) and swaps it in as the head after cur, with
// the root floor in the same index transaction. A record that points at a
// Moved block moves no head: a verified move is a *MovedError
// (checkMove). A final record (FinalSeq) refused wraps ErrBurnt.
func (f *Fetcher) adopt(ctx context.Context, cur Head, raw []byte, rec Record, prefer int) (Head, error) {
	data, err := f.get(ctx, rec.Root, prefer)
	if err != nil {
		return Head{}, fmt.Errorf("fetch manifest %s (seq %d): %w", rec.Root, rec.Seq, err)
	}
	if isMoved(rec.Root, data) {
		return Head{}, burnt(f.cfg.Name, rec, f.checkMove(ctx, rec, data, prefer))
	}
	m, err := decodeManifestFor(f.cfg.Name, rec, data)
	if err != nil {
		return Head{}, burnt(f.cfg.Name, rec, err)
	}
	rf, err := f.checkTrust(ctx, m, rec.Validity, prefer)
	if err != nil {
		return Head{}, burnt(f.cfg.Name, rec, err)
	}
	h := Head{Name: f.cfg.Name, Root: rec.Root, Seq: rec.Seq, Record: raw}
	if err := swapHead(ctx, f.cfg.Index, cur.Seq, h, rf); err != nil {
		return Head{}, err
	}
	f.log.Debug("head moved", "registry", f.cfg.Name, "seq", h.Seq, "root", h.Root)
	return h, nil
}
