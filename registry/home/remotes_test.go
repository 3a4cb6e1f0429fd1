package home_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/kubo"
	"github.com/svcreg/svcreg/registry/remote"
)

// TestEditRemotesAndReplicas: remotes and replicas are added, listed and
// removed through EditConfig, which writes config.json only when the
// edit succeeds and refuses a read-only home first.
func TestEditRemotesAndReplicas(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home") // created by the first write
	reg, err := ipns.ParseRegistryName("k51qzi5uqu5di4449zuks6ggk6glaq1qltcn7bvpuyi4q2e6w5bynsqvif5l3z")
	if err != nil {
		t.Fatal(err)
	}
	k, err := kubo.New("http://kubo.example:5001/", nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var got home.RemoteInfo
	err = h.EditConfig(func(c *home.Config) (err error) {
		c.AddReplica("backup", k, true)
		got, err = c.AddRemote("main", reg, []string{"https://gw.example/"}, true)
		return err
	})
	want := home.RemoteInfo{Name: "main", Registry: reg.String(), Gateways: []string{"https://gw.example"}, Default: true}
	if _, err := (&home.Config{}).AddRemote("bad", reg, []string{"ftp://gw.example"}, false); !errors.Is(err, remote.ErrInvalidURL) {
		t.Errorf("AddRemote(ftp://…): %v, want remote.ErrInvalidURL", err)
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("AddRemote: %+v, %v", got, err)
	}
	cfg, err := home.LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l := cfg.RemoteList(); !reflect.DeepEqual(l, []home.RemoteInfo{want}) {
		t.Errorf("RemoteList: %+v", l)
	}
	if rs, err := cfg.ReplicaList(); err != nil || len(rs) != 1 || rs[0].Name != "backup" || rs[0].Kubo.String() != "http://kubo.example:5001" || !rs[0].Pin {
		t.Errorf("ReplicaList: %+v, %v", rs, err)
	}
	if _, err := cfg.AddRemote("main", reg, nil, false); !errors.Is(err, home.ErrRemoteExists) {
		t.Errorf("AddRemote with other gateways: %v", err)
	}
	if _, err := cfg.AddRemote("main", reg, []string{"https://gw.example"}, false); err != nil {
		t.Errorf("AddRemote again as it is: %v", err)
	}
	if err := cfg.RemoveRemote("nope"); !errors.Is(err, home.ErrRemoteNotFound) {
		t.Errorf("RemoveRemote of an unknown name: %v", err)
	}
	if err := cfg.RemoveReplica("nope"); !errors.Is(err, home.ErrReplicaNotFound) {
		t.Errorf("RemoveReplica of an unknown name: %v", err)
	}
	if err := cfg.RemoveRemote("main"); err != nil || cfg.Default != "" || len(cfg.RemoteList()) != 0 {
		t.Errorf("RemoveRemote: %v, default %q", err, cfg.Default)
	}

	edit := errors.New("edit failed")
	if err := h.EditConfig(func(c *home.Config) error { c.Default = ""; return edit }); err != edit {
		t.Errorf("EditConfig: %v", err)
	}
	if cfg, _ := home.LoadConfig(dir); cfg.Default != "main" {
		t.Errorf("a failed edit was written: %+v", cfg)
	}
	ro, err := home.Open(dir, &home.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.EditConfig(func(*home.Config) error { return edit }); !errors.Is(err, home.ErrReadOnly) {
		t.Errorf("EditConfig of a read-only home: %v", err)
	}
}

// TestFollowedAndSources: the registries a home follows are its own and
// its remotes'; a registry's sources are the extra gateways, then its
// remotes'.
func TestFollowedAndSources(t *testing.T) {
	dir := mustHome(t)
	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	own, err := h.OwnName()
	if err != nil || own == "" {
		t.Fatalf("OwnName: %q, %v", own, err)
	}
	reg, _ := ipns.ParseRegistryName("k51qzi5uqu5di4449zuks6ggk6glaq1qltcn7bvpuyi4q2e6w5bynsqvif5l3z")
	if err := h.EditConfig(func(c *home.Config) error {
		_, err := c.AddRemote("main", reg, []string{"https://gw.example"}, false)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	followed, err := h.Followed()
	if err != nil {
		t.Fatal(err)
	}
	if !followed(own) || !followed(reg.String()) || followed("k51other") {
		t.Errorf("Followed: own %t, remote %t, other %t", followed(own), followed(reg.String()), followed("k51other"))
	}
	sources := h.Sources([]string{"http://127.0.0.1:8080"}, nil)
	if s, err := sources(reg.String()); err != nil || len(s) != 2 {
		t.Errorf("sources of the remote: %d, %v", len(s), err)
	}
	if s, err := sources(own); err != nil || len(s) != 1 {
		t.Errorf("sources of the own registry: %d, %v", len(s), err)
	}
	empty, err := home.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if own, err := empty.OwnName(); own != "" || err != nil {
		t.Errorf("OwnName without a key: %q, %v", own, err)
	}
}

// TestRemoveReplica: removing a replica takes it out of config.json and
// drops the state the index keeps of it; another replica's stays, and an
// unknown name changes nothing.
func TestRemoveReplica(t *testing.T) {
	ctx := t.Context()
	dir := mustHome(t)
	k, err := kubo.New("http://kubo.example:5001/", nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.EditConfig(func(c *home.Config) error { c.AddReplica("a", k, false); c.AddReplica("b", k, false); return nil }); err != nil {
		t.Fatal(err)
	}
	s, err := h.Own(ctx, home.FollowOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	idx := s.ReadIndex().(interface {
		PutReplicaState(ctx context.Context, name, replica string, v []byte) error
	})
	for _, r := range []string{"a", "b"} {
		if err := idx.PutReplicaState(ctx, s.Target.Name.String(), r, []byte(`{"seq":1}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil { // writes the states back, closes h
		t.Fatal(err)
	}

	h, err = home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.RemoveReplica(ctx, "nope"); !errors.Is(err, home.ErrReplicaNotFound) {
		t.Fatalf("RemoveReplica of an unknown name: %v", err)
	}
	if err := h.RemoveReplica(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	cfg, err := h.Config()
	if err != nil {
		t.Fatal(err)
	}
	if rs, err := cfg.ReplicaList(); err != nil || len(rs) != 1 || rs[0].Name != "b" {
		t.Fatalf("replicas after removing a: %+v, %v", rs, err)
	}
	s, err = h.Own(ctx, home.FollowOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for r, seq := range map[string]uint64{"a": 0, "b": 1} {
		if st, err := s.Follower.ReplicaState(ctx, r); err != nil || st.Seq != seq {
			t.Errorf("state of replica %s: %+v, %v; want seq %d", r, st, err, seq)
		}
	}
}
