package project_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/project"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// syncer answers Sync with a fixed result.
type syncer struct {
	s   follow.Sync
	err error
}

func (s syncer) Sync(context.Context, bool) (follow.Sync, error) { return s.s, s.err }

// TestRefresh: what a sync leaves usable is a warning, the rest an error;
// then the stored head's record is checked.
func TestRefresh(t *testing.T) {
	f := newFixture(t, "web@1.0.0")
	ctx := context.Background()
	head, err := f.index.Head(ctx, f.name.String())
	if err != nil {
		t.Fatal(err)
	}
	forged := errors.New("forged record")
	tests := []struct {
		name    string
		sync    syncer
		index   registry.Index
		now     time.Time
		want    string // the warnings, joined by "|"
		wantErr error
	}{
		{name: "fresh", index: f.index, now: start},
		{name: "stale", sync: syncer{s: follow.Sync{Head: head, Cached: true, Stale: registry.ErrUnavailable}}, index: f.index, now: start,
			want: "no gateway gave a newer state of " + f.name.String() + "; using the copy here, seq 2: "},
		{name: "problems", sync: syncer{s: follow.Sync{Head: head, Problems: []registry.SourceError{{Source: "https://gw.example", Err: registry.ErrRecordNotFound}}}},
			index: f.index, now: start, want: "https://gw.example"},
		{name: "offline without a copy", sync: syncer{err: registry.ErrOffline}, index: registrytest.NewIndex(), now: start},
		{name: "no gateway answers", sync: syncer{s: follow.Sync{Cached: true}, err: fmt.Errorf("all: %w", registry.ErrUnavailable)}, index: f.index, now: start,
			want: "no gateway gave a state of " + f.name.String()},
		{name: "forged", sync: syncer{s: follow.Sync{Cached: true}, err: forged}, index: f.index, now: start, wantErr: forged},
		{name: "live to its end of life", index: f.index, now: start.Add(24 * time.Hour)},
		{name: "expired", index: f.index, now: start.Add(48 * time.Hour),
			want: "the copy of " + f.name.String() + " here (seq 2) has an expired record; newer states may exist"},
		{name: "invalid record", index: badRecord(t, head), now: start, wantErr: ipns.ErrInvalidRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			notes, err := project.Refresh(ctx, tt.sync, tt.index, f.name, false, tt.now)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Refresh: %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for _, n := range notes {
				if !n.Warning || n.Kind != registry.FindingUnverifiable {
					t.Errorf("not an unverifiable warning: %+v", n)
				}
				msgs = append(msgs, n.Message)
			}
			if got := strings.Join(msgs, "|"); (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("warnings %q, want %q", got, tt.want)
			}
		})
	}
}

// badRecord returns an index whose head of h.Name carries a record that
// is not one.
func badRecord(t testing.TB, h registry.Head) registry.Index {
	t.Helper()
	idx := registrytest.NewIndex()
	h.Record = []byte("not a record")
	if err := idx.SwapHead(context.Background(), 0, h); err != nil {
		t.Fatal(err)
	}
	return idx
}
