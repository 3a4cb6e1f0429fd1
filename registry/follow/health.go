package follow

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Health values of a Status and of Health.
const (
	HealthOK       = "ok"
	HealthDegraded = "degraded"
)

// Health is what a Node reports about itself (GET /healthz): HealthOK,
// or HealthDegraded when any registry is, each registry's Status and,
// when the node is a peer on the IPFS network (Node.P2P), its figures.
type Health struct {
	Status     string   `json:"status"`
	Registries []Status `json:"registries"`
	P2P        *P2P     `json:"p2p,omitempty"`
}

// P2P is what the node's peer on the IPFS network reports (GET /healthz
// "p2p"): it informs, it never makes the node degraded.
type P2P struct {
	Peers           int    `json:"peers"`            // peers connected
	DHTWAN          int    `json:"dht_wan"`          // peers in the WAN DHT's routing table
	DHTLAN          int    `json:"dht_lan"`          // peers in the LAN DHT's routing table
	ProvidesDone    uint64 `json:"provides_done"`    // provides done since start
	ProvidesPending int    `json:"provides_pending"` // CIDs queued to be provided or being provided
	ProvidesDropped uint64 `json:"provides_dropped"` // CIDs dropped from the full provide queue
	Provide         string `json:"provide"`          // what is provided: roots or all
	BlocksServed    uint64 `json:"blocks_served"`    // blocks sent to peers over bitswap
	BlocksFetched   uint64 `json:"blocks_fetched"`   // blocks fetched over bitswap, verified
}

// Status is what a Node reports about one registry (GET /healthz). Its
// JSON form has every key: "", false, 0 and [] when empty, and null for a
// time not known yet.
type Status struct {
	Registry string
	Own      bool
	Seq      uint64
	Root     string
	Expires  time.Time
	LastSync time.Time
	LastErr  string // why the last sync (own: re-signing) failed or gave the stored copy
	Mirrored uint64 // the head of the last mirroring pass that completed
	// MirrorErr says why the last mirroring pass failed as a whole (the
	// registry's own blocks could not be fetched).
	MirrorErr string
	// Unmirrored counts the releases of the head whose content could not
	// be fetched; UnmirroredReleases lists the first MaxListedUnmirrored.
	Unmirrored         int
	UnmirroredReleases []Unmirrored
	// Health is HealthOK, or HealthDegraded with the Reasons; both are
	// set by Node.Statuses at the time they are read.
	Health  string
	Reasons []string
}

// MarshalJSON writes the status with every key (see Status).
func (s Status) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Registry   string       `json:"registry"`
		Own        bool         `json:"own"`
		Health     string       `json:"status"`
		Reasons    []string     `json:"reasons"`
		Seq        uint64       `json:"seq"`
		Root       string       `json:"root"`
		Expires    *time.Time   `json:"expires"`
		LastSync   *time.Time   `json:"last_sync"`
		LastErr    string       `json:"last_error"`
		Mirrored   uint64       `json:"mirrored_seq"`
		MirrorErr  string       `json:"mirror_error"`
		Unmirrored int          `json:"unmirrored"`
		Releases   []Unmirrored `json:"unmirrored_releases"`
	}{s.Registry, s.Own, s.Health, nonNil(s.Reasons), s.Seq, s.Root, knownTime(s.Expires), knownTime(s.LastSync),
		s.LastErr, s.Mirrored, s.MirrorErr, s.Unmirrored, nonNil(s.UnmirroredReleases)})
}

// knownTime is t, or nil when t is zero (not known yet).
func knownTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Health returns the node's health now.
func (n *Node) Health() Health {
	h := Health{Status: HealthOK, Registries: n.Statuses()}
	if n.P2P != nil {
		p := n.P2P()
		h.P2P = &p
	}
	for _, s := range h.Registries {
		if s.Health != HealthOK {
			h.Status = HealthDegraded
		}
	}
	return h
}

// Statuses returns the status of every registry the node keeps, with its
// health at the time of the call.
func (n *Node) Statuses() []Status {
	now := time.Now()
	n.mu.Lock()
	defer n.mu.Unlock()
	out := []Status{}
	for _, s := range n.status {
		st := *s
		st.UnmirroredReleases = slices.Clone(s.UnmirroredReleases)
		st.Reasons = st.problems(now)
		st.Health = HealthOK
		if len(st.Reasons) > 0 {
			st.Health = HealthDegraded
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b Status) int { return strings.Compare(a.Registry, b.Registry) })
	return out
}

// problems says what keeps the registry from being served as it should
// at now: no head, a record past its end of life (only the key holder
// can sign a new one: a followed registry's record is no longer served,
// its last state is), a failed sync or re-signing, a failed mirroring.
func (s Status) problems(now time.Time) []string {
	var out []string
	if s.Seq == 0 {
		out = append(out, "no verified record yet")
	}
	if !s.Expires.IsZero() && now.After(s.Expires) {
		out = append(out, "the record expired at "+s.Expires.UTC().Format(time.RFC3339))
	}
	if s.LastErr != "" {
		what := "sync"
		if s.Own {
			what = "re-signing"
		}
		out = append(out, what+" failed: "+s.LastErr)
	}
	if s.MirrorErr != "" {
		out = append(out, "mirroring failed: "+s.MirrorErr)
	}
	if s.Unmirrored > 0 {
		plural := "s"
		if s.Unmirrored == 1 {
			plural = ""
		}
		out = append(out, fmt.Sprintf("%d release%s not mirrored", s.Unmirrored, plural))
	}
	return out
}
