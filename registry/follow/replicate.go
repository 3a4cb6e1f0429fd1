package follow

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/kubo"
)

// Replica is a kubo node that keeps a copy of the registry.
type Replica struct {
	Name string       // the replica's name in this home
	Kubo *kubo.Client // its RPC API
	Pin  bool         // keep the whole registry pinned there
}

// ReplicaState is what the index keeps about a replica.
type ReplicaState struct {
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastFailure time.Time `json:"last_failure,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Seq         uint64    `json:"seq,omitempty"` // the sequence it last took
}

// ReplicaReport is the outcome of one replica's push in Replicate.
type ReplicaReport struct {
	Replica  Replica
	Result   PushResult
	Attempts int
	Err      error // nil: pushed
}

// What a replica did with a push, as ReplicaReport.Outcome says it.
const (
	PushStored      = "stored"      // the node took the record
	PushUnchanged   = "unchanged"   // the node held the record's sequence already
	PushRefused     = "refused"     // the node answered and refused (newer state, or an error of its own)
	PushUnreachable = "unreachable" // the node could not be reached
	PushFailed      = "failed"      // nothing reached the node: a problem on this side
)

// Outcome says what the replica did with the push: PushStored or
// PushUnchanged when it took it, else PushRefused, PushUnreachable or
// PushFailed, and Err says why.
func (r ReplicaReport) Outcome() string {
	var ke *kubo.Error
	switch {
	case r.Err == nil:
		return r.Result.Record
	case errors.Is(r.Err, registry.ErrUnreachable):
		return PushUnreachable
	case errors.Is(r.Err, ErrNodeAhead), errors.As(r.Err, &ke):
		return PushRefused
	}
	return PushFailed
}

// Retry says how often and how patiently Replicate pushes to a replica
// that fails. Zero values mean DefaultRetry's.
type Retry struct {
	Attempts int           // tries in all
	Backoff  time.Duration // pause before the second try; doubles after each
}

// DefaultRetry is Replicate's retry policy when Retry is zero.
var DefaultRetry = Retry{Attempts: 3, Backoff: time.Second}

// Replicate pushes the head to every replica at once (Push with the
// replica's Pin), each one tried again with backoff when it fails, so one
// dead replica never holds back the others. It records each replica's
// last success or failure and the sequence it took in the index, and
// returns a report per replica, in order. A node that is ahead
// (ErrNodeAhead) is not tried again, nor a push that failed on this side
// (PushFailed: trying again would fail the same way).
func (f *Follower) Replicate(ctx context.Context, replicas []Replica, retry Retry) []ReplicaReport {
	if retry.Attempts <= 0 {
		retry.Attempts = DefaultRetry.Attempts
	}
	if retry.Backoff <= 0 {
		retry.Backoff = DefaultRetry.Backoff
	}
	reports := make([]ReplicaReport, len(replicas))
	var wg sync.WaitGroup
	for i, r := range replicas {
		wg.Go(func() { reports[i] = f.replicate(ctx, r, retry) })
	}
	wg.Wait()
	return reports
}

func (f *Follower) replicate(ctx context.Context, r Replica, retry Retry) ReplicaReport {
	rep := ReplicaReport{Replica: r}
	backoff := retry.Backoff
	for rep.Attempts < retry.Attempts {
		rep.Attempts++
		rep.Result, rep.Err = f.Push(ctx, r.Kubo, PushOptions{Pin: r.Pin})
		if rep.Err == nil || ctx.Err() != nil || errors.Is(rep.Err, ErrNodeAhead) || errors.Is(rep.Err, ErrNotLive) ||
			rep.Outcome() == PushFailed || rep.Attempts == retry.Attempts {
			break
		}
		f.log.Warn("replica push failed", "registry", f.name, "replica", r.Name, "attempt", rep.Attempts, "err", rep.Err)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff *= 2
	}
	st, _ := f.ReplicaState(ctx, r.Name)
	now := f.cfg.Now()
	if rep.Err == nil {
		st.LastSuccess, st.Seq = now, rep.Result.Head.Seq
		f.log.Info("replica pushed", "registry", f.name, "replica", r.Name, "seq", st.Seq, "blocks", rep.Result.Blocks)
	} else {
		st.LastFailure, st.LastError = now, rep.Err.Error()
		f.log.Warn("replica failed", "registry", f.name, "replica", r.Name, "err", rep.Err)
	}
	if v, err := json.Marshal(st); err == nil {
		if err := f.cfg.Index.PutReplicaState(context.WithoutCancel(ctx), f.name, r.Name, v); err != nil {
			f.log.Warn("store replica state", "registry", f.name, "replica", r.Name, "err", err)
		}
	}
	return rep
}

// ReplicaState returns what the index keeps about replica (zero if
// nothing).
func (f *Follower) ReplicaState(ctx context.Context, replica string) (ReplicaState, error) {
	var st ReplicaState
	v, err := f.cfg.Index.ReplicaState(ctx, f.name, replica)
	if err != nil || v == nil {
		return st, err
	}
	return st, json.Unmarshal(v, &st)
}

// MarshalJSON writes the report as `svcreg republish --json` does:
// {name, kubo, attempts, blocks, record, error}, record being Outcome and
// error "" when the replica took the push.
func (r ReplicaReport) MarshalJSON() ([]byte, error) {
	var msg string
	if r.Err != nil {
		msg = r.Err.Error()
	}
	return json.Marshal(struct {
		Name     string `json:"name"`
		Kubo     string `json:"kubo"`
		Attempts int    `json:"attempts"`
		Blocks   uint64 `json:"blocks"`
		Record   string `json:"record"`
		Error    string `json:"error"`
	}{r.Replica.Name, r.Replica.Kubo.String(), r.Attempts, r.Result.Blocks, r.Outcome(), msg})
}

// ReplicaStatus is a replica and what the index keeps about it, as
// `svcreg replica ls` lists it.
type ReplicaStatus struct {
	Name string
	Kubo string // its RPC API's URL
	Pin  bool
	ReplicaState
	Lag uint64 // sequences behind the head
}

// MarshalJSON writes the status with every key: times in RFC 3339, ""
// for never; seq 0 before the first push.
func (s ReplicaStatus) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Name        string `json:"name"`
		Kubo        string `json:"kubo"`
		Pin         bool   `json:"pin"`
		LastSuccess string `json:"last_success"`
		LastFailure string `json:"last_failure"`
		LastError   string `json:"last_error"`
		Seq         uint64 `json:"seq"`
		Lag         uint64 `json:"lag"`
	}{s.Name, s.Kubo, s.Pin, rfc3339(s.LastSuccess), rfc3339(s.LastFailure), s.LastError, s.Seq, s.Lag})
}

// rfc3339 formats t in UTC as RFC 3339, and the zero time as "".
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ReplicaStatuses returns each replica with what the index keeps about it
// and how many sequences it is behind the head.
func (f *Follower) ReplicaStatuses(ctx context.Context, replicas []Replica) ([]ReplicaStatus, error) {
	head, err := f.reg.Head(ctx)
	if err != nil {
		return nil, err
	}
	out := []ReplicaStatus{}
	for _, r := range replicas {
		st, err := f.ReplicaState(ctx, r.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, ReplicaStatus{Name: r.Name, Kubo: r.Kubo.String(), Pin: r.Pin, ReplicaState: st, Lag: head.Seq - min(st.Seq, head.Seq)})
	}
	return out, nil
}
