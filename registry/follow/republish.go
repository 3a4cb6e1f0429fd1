package follow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/svcreg/svcreg/registry/ipns"
)

// Republished is the outcome of Republish: the re-signing, then each
// replica's push.
type Republished struct {
	Resigned
	Replicas []ReplicaReport
}

// Republish is one round of what a Node does for the registry it holds
// the key of (`svcreg republish`): Resign (with force, whether due or
// not), then Replicate the head to every replica. A failed re-signing
// pushes nothing; a failed push is in its report (see Republished.Err).
func (f *Follower) Republish(ctx context.Context, key *ipns.Key, force bool, replicas []Replica, retry Retry) (Republished, error) {
	r, err := f.Resign(ctx, key, force)
	if err != nil {
		return Republished{}, err
	}
	return Republished{Resigned: r, Replicas: f.Replicate(ctx, replicas, retry)}, nil
}

// Err returns nil when every replica took the push, else an error that
// joins each failure (so errors.Is finds registry.ErrUnreachable or
// ErrNodeAhead in it).
func (r Republished) Err() error {
	var errs []error
	for _, rep := range r.Replicas {
		if rep.Err != nil {
			errs = append(errs, fmt.Errorf("replica %s: %w", rep.Replica.Name, rep.Err))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d replicas failed: %w", len(errs), len(r.Replicas), errors.Join(errs...))
}

// MarshalJSON writes the round as `svcreg republish --json` does:
// {registry, seq, resigned, expires, due, replicas}, times in RFC 3339.
func (r Republished) MarshalJSON() ([]byte, error) {
	reps := r.Replicas
	if reps == nil {
		reps = []ReplicaReport{}
	}
	return json.Marshal(struct {
		Registry string          `json:"registry"`
		Seq      uint64          `json:"seq"`
		Resigned bool            `json:"resigned"`
		Expires  string          `json:"expires"`
		Due      string          `json:"due"`
		Replicas []ReplicaReport `json:"replicas"`
	}{r.Head.Name, r.Head.Seq, r.Resigned.Resigned, rfc3339(r.EOL), rfc3339(r.Due), reps})
}
