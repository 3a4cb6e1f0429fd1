package remote_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/remote"
)

// drip writes prefix one byte every interval and then zeros, never
// ending by itself: only the client leaving, or stop, ends it.
func drip(w http.ResponseWriter, r *http.Request, stop <-chan struct{}, prefix []byte, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for i := 0; ; i++ {
		b := byte(0)
		if i < len(prefix) {
			b = prefix[i]
		}
		w.Write([]byte{b})
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// hang bounds a wait that only ends by a deadline or refusal under test;
// reaching it means the code waits forever, not that the machine is slow.
const hang = 30 * time.Second

// endsWithin runs f and returns its error, failing the test as a hang
// after hang.
func endsWithin(t *testing.T, what string, f func() error) error {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- f() }()
	select {
	case err := <-errc:
		return err
	case <-time.After(hang):
		t.Fatalf("hung: %s did not end", what)
		return nil
	}
}

// TestDeadlineNotIdle: a gateway that keeps sending, one byte at a time
// and without end, is cut off at the overall deadline, for records,
// blocks and CARs. The bytes never stop and stay under every size cap
// for far longer than the test runs, so only the deadline can end them.
func TestDeadlineNotIdle(t *testing.T) {
	d := newDAG(t)
	last := d.order[len(d.order)-1]
	// Every block but the last, then the last one's section, which never
	// completes.
	car := d.car(t, d.order[:len(d.order)-1], nil)
	car = binary.AppendUvarint(car, uint64(len(last.Bytes())+1<<16))
	car = append(car, last.Bytes()...)
	stop := make(chan struct{}) // closed before the server, should a fetch hang
	g := newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("format") {
		case "ipns-record":
			w.Header().Set("Content-Type", "application/vnd.ipfs.ipns-record")
			drip(w, r, stop, bytes.Repeat([]byte{1}, 100), 20*time.Millisecond)
		case "raw":
			w.Header().Set("Content-Type", "application/vnd.ipld.raw")
			drip(w, r, stop, []byte("hello"), 20*time.Millisecond)
		case "car":
			w.Header().Set("Content-Type", "application/vnd.ipld.car; version=1")
			drip(w, r, stop, car, 20*time.Millisecond)
		default:
			http.NotFound(w, r)
		}
	}), &remote.Options{Timeout: 300 * time.Millisecond, Retries: -1})
	t.Cleanup(func() { close(stop) })
	ctx := context.Background()
	for what, fetch := range map[string]func() error{
		"record": func() error { _, err := g.Record(ctx, name); return err },
		"block":  func() error { _, err := g.Block(ctx, rawCid(t, "hello")); return err },
		"car":    func() error { return g.DAG(ctx, d.root, func(cid.Cid, []byte) error { return nil }) },
	} {
		err := endsWithin(t, what+" sent without end", fetch)
		if !errors.Is(err, registry.ErrUnreachable) || errors.Is(err, remote.ErrInvalidData) || !strings.Contains(err.Error(), "deadline") {
			t.Errorf("%s sent a byte every 20ms without end: %v, want ErrUnreachable from the deadline", what, err)
		}
	}
}

// TestEndlessCARv2: a CARv2 whose data starts 2^50 bytes in, followed by
// zeros, is refused after its first bytes. The request's deadline is an
// hour, so only the refusal can end it.
func TestEndlessCARv2(t *testing.T) {
	var sent atomic.Int64
	finished := make(chan struct{})
	g := newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(finished)
		w.Header().Set("Content-Type", "application/vnd.ipld.car")
		hdr := []byte{0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02}
		hdr = append(hdr, make([]byte, 16)...)             // characteristics
		hdr = binary.LittleEndian.AppendUint64(hdr, 1<<50) // data offset
		hdr = binary.LittleEndian.AppendUint64(hdr, 1<<50) // data size
		hdr = binary.LittleEndian.AppendUint64(hdr, 0)     // index offset
		w.Write(hdr)
		zeros := make([]byte, 64<<10)
		for r.Context().Err() == nil {
			n, err := w.Write(zeros)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}), &remote.Options{Timeout: time.Hour, Retries: -1})
	err := endsWithin(t, "an endless CARv2", func() error {
		return g.DAG(context.Background(), newDAG(t).root, func(cid.Cid, []byte) error { return nil })
	})
	if !errors.Is(err, remote.ErrUnexpectedResponse) {
		t.Fatalf("endless CARv2: %v", err)
	}
	// The server stops once the client has left; count what it sent by then.
	endsWithin(t, "the endless CARv2's server", func() error { <-finished; return nil })
	if n := sent.Load(); n > 64<<20 {
		t.Errorf("the server got to send %d bytes", n)
	}
}

// TestWrongForm: responses in another form than asked for are refused.
func TestWrongForm(t *testing.T) {
	for _, ct := range []string{"text/html", "application/vnd.ipld.car; version=2", ""} {
		g := newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Write(newDAG(t).car(t, newDAG(t).order, nil))
		}), nil)
		ctx := context.Background()
		if _, err := g.Block(ctx, rawCid(t, "x")); !errors.Is(err, remote.ErrUnexpectedResponse) {
			t.Errorf("block as %q: %v", ct, err)
		}
		if err := g.DAG(ctx, newDAG(t).root, func(cid.Cid, []byte) error { return nil }); !errors.Is(err, remote.ErrUnexpectedResponse) {
			t.Errorf("CAR as %q: %v", ct, err)
		}
	}
}
