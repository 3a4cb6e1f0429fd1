package follow_test

import (
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/kubo"
)

// The plain-text forms print what svcreg replica ls, push and republish
// print without --json.
func TestReportText(t *testing.T) {
	k, err := kubo.New("http://127.0.0.1:5001", nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	head := registry.Head{Name: "k51x", Seq: 7}
	push := follow.PushResult{Head: head, Kubo: k.String(), Blocks: 3, Bytes: 2048, Record: follow.PushStored}
	incremental := push
	incremental.Incremental, incremental.From, incremental.Pinned = true, 5, true
	round := follow.Republished{Resigned: follow.Resigned{Head: head, Resigned: true, EOL: at, Due: at.Add(-time.Hour)},
		Replicas: []follow.ReplicaReport{
			{Replica: follow.Replica{Name: "backup", Kubo: k}, Result: push},
			{Replica: follow.Replica{Name: "down", Kubo: k}, Err: registry.ErrUnreachable},
		}}
	valid := round
	valid.Resigned.Resigned, valid.Replicas = false, nil
	for _, tt := range []struct {
		name, got, want string
	}{
		{"replica never pushed", follow.ReplicaStatus{Name: "backup", Kubo: k.String()}.String(),
			"backup " + k.String() + " pin=false seq=0 lag=0 last-success=- last-failure=-"},
		{"replica", follow.ReplicaStatus{Name: "b", Kubo: "K", Pin: true, Lag: 2,
			ReplicaState: follow.ReplicaState{LastSuccess: at, LastFailure: at.Add(time.Minute), Seq: 5}}.String(),
			"b K pin=true seq=5 lag=2 last-success=2026-01-02T02:04:05Z last-failure=2026-01-02T02:05:05Z"},
		{"push", push.String(), "pushed seq 7 of k51x to " + k.String() + ": 3 blocks (2.0 KiB, whole DAG); record stored"},
		{"push incremental", incremental.String(), "pushed seq 7 of k51x to " + k.String() + ": 3 blocks (2.0 KiB, new since seq 5), pinned; record stored"},
		{"republish", round.Text(), "seq 7 of k51x: re-signed until 2026-01-02T02:04:05Z (due 2026-01-02T01:04:05Z)\n" +
			"pushed to backup (" + k.String() + "): 3 blocks, record stored\n"},
		{"republish not due", valid.Text(), "seq 7 of k51x: record valid until 2026-01-02T02:04:05Z (due 2026-01-02T01:04:05Z)\n"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s:\n%q\nwant\n%q", tt.name, tt.got, tt.want)
		}
	}
}
