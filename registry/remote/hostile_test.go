package remote_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/remote"
)

// drip writes body one byte every interval until done or the client
// leaves.
func drip(w http.ResponseWriter, r *http.Request, body []byte, interval time.Duration) {
	for _, b := range body {
		w.Write([]byte{b})
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(interval):
		}
	}
}

// TestDeadlineNotIdle: a gateway that keeps sending, one byte at a time,
// is cut off at the overall deadline, for records, blocks and CARs.
func TestDeadlineNotIdle(t *testing.T) {
	d := newDAG(t)
	car := d.car(t, d.order, nil)
	g := newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("format") {
		case "ipns-record":
			w.Header().Set("Content-Type", "application/vnd.ipfs.ipns-record")
			drip(w, r, bytes.Repeat([]byte{1}, 100), 50*time.Millisecond)
		case "raw":
			w.Header().Set("Content-Type", "application/vnd.ipld.raw")
			drip(w, r, []byte("hello"), 100*time.Millisecond)
		case "car":
			w.Header().Set("Content-Type", "application/vnd.ipld.car; version=1")
			drip(w, r, car, 50*time.Millisecond)
		default:
			http.NotFound(w, r)
		}
	}), &remote.Options{Timeout: 300 * time.Millisecond, Retries: -1})
	ctx := context.Background()
	for what, fetch := range map[string]func() error{
		"record": func() error { _, err := g.Record(ctx, name); return err },
		"block":  func() error { _, err := g.Block(ctx, rawCid(t, "hello")); return err },
		"car":    func() error { return g.DAG(ctx, d.root, func(cid.Cid, []byte) error { return nil }) },
	} {
		start := time.Now()
		err := fetch()
		if took := time.Since(start); !errors.Is(err, registry.ErrUnreachable) || took > time.Second {
			t.Errorf("%s sent a byte every 50-100ms: %v after %s, want ErrUnreachable after 300ms", what, err, took)
		}
	}
}

// TestEndlessCARv2: a CARv2 whose data starts 2^50 bytes in, followed by
// zeros, is refused after its first bytes.
func TestEndlessCARv2(t *testing.T) {
	var sent atomic.Int64
	g := newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	}), &remote.Options{Timeout: 5 * time.Second})
	start := time.Now()
	err := g.DAG(context.Background(), newDAG(t).root, func(cid.Cid, []byte) error { return nil })
	if !errors.Is(err, remote.ErrUnexpectedResponse) || time.Since(start) > 2*time.Second {
		t.Fatalf("endless CARv2: %v after %s", err, time.Since(start))
	}
	time.Sleep(50 * time.Millisecond)
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
