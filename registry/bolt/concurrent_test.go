package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry"
)

const (
	workers   = 8
	increment = 20
	// childEnv selects the child mode of TestConcurrentProcesses: its value
	// is "<mode> <index path>".
	childEnv = "SVCREG_BOLT_TEST_CHILD"
)

// bump raises the head of name by one with a read-head → SwapHead retry
// loop and returns how many swaps lost the race.
func bump(ctx context.Context, c *Index) (conflicts int, err error) {
	for {
		var prev uint64
		h, err := c.Head(ctx, name)
		switch {
		case err == nil:
			prev = h.Seq
		case !errors.Is(err, registry.ErrNoHead):
			return conflicts, err
		}
		err = c.SwapHead(ctx, prev, registry.Head{
			Name:   name,
			Root:   testCid(fmt.Sprint(prev + 1)),
			Seq:    prev + 1,
			Record: []byte("r"),
		})
		if !errors.Is(err, registry.ErrHeadMoved) {
			return conflicts, err
		}
		conflicts++
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		conflicts int
	)
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range increment {
				n, err := bump(ctx, c)
				mu.Lock()
				conflicts += n
				mu.Unlock()
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	h, err := c.Head(ctx, name)
	if err != nil || h.Seq != workers*increment {
		t.Fatalf("final head seq %d (%v), want %d", h.Seq, err, workers*increment)
	}
	t.Logf("%d swaps lost a race and were retried", conflicts)
}

// TestConcurrentProcesses runs workers copies of the test binary against
// one index file. In "hold" mode each child keeps the file open for all
// its increments; in "reopen" mode it opens and closes the file around
// every increment, so the children interleave at the flock.
func TestConcurrentProcesses(t *testing.T) {
	if v := os.Getenv(childEnv); v != "" {
		runChild(t, v)
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, mode := range []string{"hold", "reopen"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "index.db")
			var wg sync.WaitGroup
			out := make([][]byte, workers)
			errs := make([]error, workers)
			for i := range workers {
				wg.Go(func() {
					cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentProcesses$", "-test.count=1")
					cmd.Env = append(os.Environ(), childEnv+"="+mode+" "+path)
					out[i], errs[i] = cmd.CombinedOutput()
				})
			}
			wg.Wait()
			for i := range workers {
				if errs[i] != nil {
					t.Errorf("child %d: %v\n%s", i, errs[i], out[i])
				}
			}
			c, err := Open(path, &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			h, err := c.Head(context.Background(), name)
			if err != nil || h.Seq != workers*increment {
				t.Fatalf("final head seq %d (%v), want %d", h.Seq, err, workers*increment)
			}
			if f, err := c.Floor(context.Background(), name); err != nil || f != h.Seq {
				t.Fatalf("floor %d (%v), want %d", f, err, h.Seq)
			}
		})
	}
}

// runChild is the body of one child process of TestConcurrentProcesses.
func runChild(t *testing.T, v string) {
	var mode, path string
	if _, err := fmt.Sscan(v, &mode, &path); err != nil {
		t.Fatalf("bad %s=%q: %v", childEnv, v, err)
	}
	ctx := context.Background()
	opts := &Options{Timeout: 2 * time.Minute}
	open := func() *Index {
		c, err := Open(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	switch mode {
	case "hold":
		c := open()
		defer c.Close()
		for range increment {
			if _, err := bump(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
	case "reopen":
		for range increment {
			c := open()
			_, err := bump(ctx, c)
			if cerr := c.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	default:
		t.Fatalf("unknown child mode %q", mode)
	}
}
