package peer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/go-cid"
	"golang.org/x/sync/errgroup"

	"github.com/svcreg/svcreg/registry"
)

// announceTimeout bounds one put or provide into the DHT.
const announceTimeout = time.Minute

// maxProvides is how many provides run at once.
const maxProvides = 8

// minRetry is the first wait after a failed announcement; it doubles up
// to Config.Poll.
const minRetry = 50 * time.Millisecond

// announced is what Run has put into the DHT for one registry, and
// when.
type announced struct {
	record   []byte
	putAt    time.Time
	root     cid.Cid
	rootsAt  time.Time
	roots    []cid.Cid
	provided map[cid.Cid]time.Time
	pending  int // roots due at the last provide that are not provided yet
}

// Run joins the network through the bootstrap peers, then announces the
// heads Config.Heads reads (package doc) until ctx ends, reading them
// every Config.Poll. A failed put or provide (no DHT peer yet, a peer
// gone) is tried again, soon at first, then every Config.Poll. Call it
// once; Record and Block wait for it to have joined.
func (p *Peer) Run(ctx context.Context) {
	p.bootstrap(ctx)
	close(p.ready)
	if p.cfg.Heads == nil {
		<-ctx.Done()
		return
	}
	as := map[string]*announced{}
	retry := minRetry
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := p.announce(ctx, as); err != nil {
			p.cfg.Logger.Debug("announce", "err", err)
			t.Reset(retry)
			retry = min(2*retry, p.cfg.Poll)
			continue
		}
		retry = minRetry
		t.Reset(p.cfg.Poll)
	}
}

// bootstrap connects to the bootstrap peers at once, in parallel; the
// DHT dials them again whenever its routing table runs low.
func (p *Peer) bootstrap(ctx context.Context) {
	var wg sync.WaitGroup
	for _, ai := range p.cfg.Bootstrap {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, DefaultConnectTimeout)
			defer cancel()
			if err := p.host.Connect(ctx, ai); err != nil {
				p.cfg.Logger.Debug("bootstrap peer unreachable", "peer", ai.ID, "err", err)
			}
		})
	}
	wg.Wait()
	if err := p.dht.Bootstrap(ctx); err != nil {
		p.cfg.Logger.Debug("bootstrap the DHT", "err", err)
	}
}

// announce announces every head Config.Heads returns, each as
// announceHead says.
func (p *Peer) announce(ctx context.Context, as map[string]*announced) error {
	heads, err := p.cfg.Heads(ctx)
	if errors.Is(err, registry.ErrNoHead) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read the heads: %w", err)
	}
	var errs []error
	for _, h := range heads {
		a := as[h.Name]
		if a == nil {
			a = &announced{provided: map[cid.Cid]time.Time{}}
			as[h.Name] = a
		}
		errs = append(errs, p.announceHead(ctx, a, h))
	}
	return errors.Join(errs...)
}

// announceHead puts h's record when it changed or is due, and provides
// what is due of h's roots (listed again when the root moved or
// DefaultRootsEvery passed).
func (p *Peer) announceHead(ctx context.Context, a *announced, h registry.Head) error {
	now := time.Now()
	if !bytes.Equal(h.Record, a.record) || now.Sub(a.putAt) >= DefaultReput {
		if err := p.putRecord(ctx, h); err != nil {
			return err
		}
		a.record, a.putAt = bytes.Clone(h.Record), now
		p.cfg.Logger.Info("record put into the DHT", "registry", h.Name, "seq", h.Seq)
	}
	if !h.Root.Equals(a.root) || now.Sub(a.rootsAt) >= DefaultRootsEvery {
		roots, err := p.roots(ctx, h)
		if err != nil {
			return err
		}
		a.root, a.roots, a.rootsAt = h.Root, roots, now
	}
	return p.provide(ctx, a, now)
}

// putRecord puts h's signed record into the DHT under its name.
func (p *Peer) putRecord(ctx context.Context, h registry.Head) error {
	name, err := ipnsrec.NameFromString(h.Name)
	if err != nil {
		return fmt.Errorf("put the record of %s: %w", h.Name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, announceTimeout)
	defer cancel()
	if err := p.dht.PutValue(ctx, string(name.RoutingKey()), h.Record); err != nil {
		return fmt.Errorf("put the record of %s seq %d: %w", h.Name, h.Seq, err)
	}
	return nil
}

// roots returns the CIDs provided for h.
func (p *Peer) roots(ctx context.Context, h registry.Head) ([]cid.Cid, error) {
	if p.cfg.Roots == nil {
		return []cid.Cid{h.Root}, nil
	}
	roots, err := p.cfg.Roots(ctx, h)
	if err != nil {
		return nil, fmt.Errorf("roots of %s seq %d: %w", h.Name, h.Seq, err)
	}
	return roots, nil
}

// provide provides each root not provided for DefaultReprovide.
func (p *Peer) provide(ctx context.Context, a *announced, now time.Time) error {
	var due []cid.Cid
	for _, c := range a.roots {
		if t, ok := a.provided[c]; !ok || now.Sub(t) >= DefaultReprovide {
			due = append(due, c)
		}
	}
	p.pending.Add(int64(len(due) - a.pending))
	a.pending = len(due)
	if len(due) == 0 {
		return nil
	}
	var mu sync.Mutex
	g := new(errgroup.Group)
	g.SetLimit(maxProvides)
	for _, c := range due {
		g.Go(func() error {
			ctx, cancel := context.WithTimeout(ctx, announceTimeout)
			defer cancel()
			if err := p.dht.Provide(ctx, c, true); err != nil {
				return fmt.Errorf("provide %s: %w", c, err)
			}
			mu.Lock()
			a.provided[c] = now
			a.pending--
			mu.Unlock()
			p.provided.Add(1)
			p.pending.Add(-1)
			return nil
		})
	}
	err := g.Wait()
	p.cfg.Logger.Info("provided", "cids", len(due), "err", err)
	return err
}
