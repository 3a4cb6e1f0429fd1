package node_test

import (
	"errors"
	"testing"

	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/kubo"
	"github.com/svcreg/svcreg/registry/node"
	"github.com/svcreg/svcreg/registry/peer"
	"github.com/svcreg/svcreg/registry/target"
)

// TestFromHome: the replicas and the follow list of config.json complete
// a node's config, the registries given first and each once; without
// upstreams only a peer follows, and a bad spec is a *FollowError.
func TestFromHome(t *testing.T) {
	dir, _ := newHome(t)
	h := openHome(t, dir)
	given, listed := newName(t).String(), newName(t).String()
	k, err := kubo.New("http://kubo.example:5001", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.EditConfig(func(c *home.Config) error {
		c.AddReplica("backup", k, true)
		c.Follow = []string{listed, given}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	with := target.New(target.Config{Gateways: []string{"http://127.0.0.1:9/"}})
	cfg := node.Config{Home: h}
	if err := node.FromHome(t.Context(), &cfg, with, []string{given}); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Follow) != 2 || cfg.Follow[0].Name.String() != given || cfg.Follow[1].Name.String() != listed {
		t.Fatalf("Follow: %+v; want %s, then %s", cfg.Follow, given, listed)
	}
	if len(cfg.Replicas) != 1 || cfg.Replicas[0].Name != "backup" || !cfg.Replicas[0].Pin {
		t.Fatalf("Replicas: %+v", cfg.Replicas)
	}

	without := target.New(target.Config{})
	if err := node.FromHome(t.Context(), &node.Config{Home: h}, without, nil); !errors.Is(err, node.ErrNoUpstream) {
		t.Fatalf("FromHome without upstreams: %v, want ErrNoUpstream", err)
	}
	peerCfg := node.Config{Home: h, P2P: &peer.Config{}}
	if err := node.FromHome(t.Context(), &peerCfg, without, nil); err != nil || len(peerCfg.Follow) != 2 {
		t.Fatalf("FromHome of a peer without upstreams: %+v, %v", peerCfg.Follow, err)
	}
	var fe *node.FollowError
	if err := node.FromHome(t.Context(), &node.Config{Home: h}, with, []string{"not a name!"}); !errors.As(err, &fe) || fe.Spec != "not a name!" {
		t.Fatalf("FromHome of a bad spec: %v", err)
	}
}
