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

	"github.com/svcreg/svcreg/registry"
)

// announceTimeout bounds one put or provide into the DHT.
const announceTimeout = time.Minute

// minRetry is the first wait after a failed announcement; it doubles up
// to Config.Poll.
const minRetry = 50 * time.Millisecond

// announced is what Run has put into the DHT for one registry, and
// when.
type announced struct {
	record  []byte
	putAt   time.Time
	root    cid.Cid
	rootsAt time.Time
	roots   []cid.Cid
}

// Run joins the network through the bootstrap peers, then announces the
// heads Config.Heads reads (package doc) until ctx ends, reading them
// every Config.Poll. A failed put (no DHT peer yet, a peer gone) is
// tried again, soon at first, then every Config.Poll; a failed provide
// is queued again at the next read. Call it once; Record and Block wait
// for it to have joined.
func (p *Peer) Run(ctx context.Context) {
	p.bootstrap(ctx)
	close(p.ready)
	p.announceLoop(ctx)
}

// announceLoop runs the provide workers, the listing of every block
// (ProvideAll) and the reading of the heads until ctx ends.
func (p *Peer) announceLoop(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { p.prov.run(ctx, DefaultProvideWorkers) })
	if p.cfg.Provide == ProvideAll {
		wg.Go(func() { p.listAll(ctx) })
	}
	if p.cfg.Heads == nil {
		<-ctx.Done()
		return
	}
	as := map[string]*announced{}
	retry := minRetry
	t := time.NewTimer(0)
	defer t.Stop()
	var failures uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := p.announce(ctx, as)
		// Provides that failed since the last round are queued again
		// now, and soon, as a failed put is tried again.
		if f := p.prov.failures.Load(); f != failures {
			failures = f
			for _, a := range as {
				p.prov.schedule(a.roots, time.Now())
			}
			err = errors.Join(err, errProvideFailed)
		}
		if err != nil {
			p.cfg.Logger.Debug("announce", "err", err)
			t.Reset(retry)
			retry = min(2*retry, p.cfg.Poll)
			continue
		}
		retry = minRetry
		t.Reset(p.cfg.Poll)
	}
}

// errProvideFailed says that provides failed since the last round.
var errProvideFailed = errors.New("provides failed")

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
			a = &announced{}
			as[h.Name] = a
		}
		errs = append(errs, p.announceHead(ctx, a, h))
	}
	return errors.Join(errs...)
}

// announceHead puts h's record when it changed or is due, and queues
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
		p.prov.schedule(roots, now)
	}
	return nil
}

// putRecord puts h's signed record into the DHT under its name.
func (p *Peer) putRecord(ctx context.Context, h registry.Head) error {
	name, err := ipnsrec.NameFromString(h.Name)
	if err != nil {
		return fmt.Errorf("put the record of %s: %w", h.Name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, announceTimeout)
	defer cancel()
	if err := p.rt.PutValue(ctx, string(name.RoutingKey()), h.Record); err != nil {
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

// provideOne provides c, within announceTimeout.
func (p *Peer) provideOne(ctx context.Context, c cid.Cid) error {
	ctx, cancel := context.WithTimeout(ctx, announceTimeout)
	defer cancel()
	if err := p.rt.Provide(ctx, c, true); err != nil {
		p.cfg.Logger.Debug("provide", "cid", c, "err", err)
		return fmt.Errorf("provide %s: %w", c, err)
	}
	return nil
}

// listAll lists every block of Config.Blocks at once and then every
// Config.ProvideAllEvery, and queues those due behind the roots, as far
// as the queue has room (the rest is queued at a later listing).
func (p *Peer) listAll(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := p.listOnce(ctx); err != nil {
			p.cfg.Logger.Debug("list the blocks to provide", "err", err)
		}
		t.Reset(p.cfg.ProvideAllEvery)
	}
}

// listBatch is how many listed CIDs are queued at once.
const listBatch = 256

func (p *Peer) listOnce(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	keys, err := p.cfg.Blocks.AllKeysChan(ctx)
	if err != nil {
		return fmt.Errorf("list blocks: %w", err)
	}
	defer func() {
		cancel()
		for range keys { // let the lister end
		}
	}()
	batch := make([]cid.Cid, 0, listBatch)
	flush := func() bool {
		ok := p.prov.scheduleListed(batch, time.Now())
		batch = batch[:0]
		return ok
	}
	for c := range keys {
		if batch = append(batch, c); len(batch) == listBatch && !flush() {
			return nil
		}
	}
	flush()
	return ctx.Err()
}
