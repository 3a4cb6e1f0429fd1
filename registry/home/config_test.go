package home_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/registry/home"
)

func TestParseConfig(t *testing.T) {
	good := `{"default": "main", "future": 1, "remotes": {"main": {"registry": "12D3KooWF2qZqWs6omtoj83tTdsnAjJ7GA2pwH814Xb7F4Kew1LJ", "gateways": ["https://gw.example/"]}}}`
	cfg, err := home.ParseConfig([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := home.Remote{Registry: "k51qzi5uqu5di4449zuks6ggk6glaq1qltcn7bvpuyi4q2e6w5bynsqvif5l3z", Gateways: []string{"https://gw.example"}}
	if !reflect.DeepEqual(cfg.Remotes["main"], want) || cfg.Default != "main" {
		t.Fatalf("parsed %+v", cfg)
	}
	for name, bad := range map[string]string{
		"not json":        `{`,
		"bad registry":    `{"remotes": {"main": {"registry": "k51nope"}}}`,
		"bad gateway":     `{"remotes": {"main": {"registry": "k51qzi5uqu5di4449zuks6ggk6glaq1qltcn7bvpuyi4q2e6w5bynsqvif5l3z", "gateways": ["file:///x"]}}}`,
		"bad name":        `{"remotes": {"Main": {"registry": "k51qzi5uqu5di4449zuks6ggk6glaq1qltcn7bvpuyi4q2e6w5bynsqvif5l3z"}}}`,
		"missing default": `{"default": "x"}`,
		"wrong type":      `{"remotes": []}`,
		"too large":       `{"x": "` + strings.Repeat("a", home.MaxConfigSize) + `"}`,
	} {
		if _, err := home.ParseConfig([]byte(bad)); !errors.Is(err, home.ErrInvalidConfig) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if cfg, err := home.ParseConfig([]byte("  \n")); err != nil || len(cfg.Remotes) != 0 {
		t.Errorf("empty file: %+v, %v", cfg, err)
	}
}

func TestRemoteName(t *testing.T) {
	for _, ok := range []string{"main", "a", "acme.corp", "x_1-2", strings.Repeat("a", 63)} {
		if err := home.CheckRemoteName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Main", "-x", ".x", "a b", "a/b", strings.Repeat("a", 64),
		"k51qzi5uqu5di4449zuks6ggk6glaq1qltcn7bvpuyi4q2e6w5bynsqvif5l3z"} {
		if err := home.CheckRemoteName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzParseConfig: any input either fails with home.ErrInvalidConfig or parses
// to a config that survives a save and parse unchanged.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"default": "main", "remotes": {"main": {"registry": "k51qzi5uqu5di4449zuks6ggk6glaq1qltcn7bvpuyi4q2e6w5bynsqvif5l3z", "gateways": ["http://127.0.0.1:8080"]}}}`))
	f.Add([]byte(`{"remotes": {"a": {"registry": "12D3KooWF2qZqWs6omtoj83tTdsnAjJ7GA2pwH814Xb7F4Kew1LJ"}}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := home.ParseConfig(data)
		if err != nil {
			if !errors.Is(err, home.ErrInvalidConfig) {
				t.Fatalf("error without ErrInvalidConfig: %v", err)
			}
			return
		}
		out, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		again, err := home.ParseConfig(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if !reflect.DeepEqual(normalize(cfg), normalize(again)) {
			t.Fatalf("round trip changed %+v to %+v", cfg, again)
		}
	})
}

// normalize treats nil and empty maps and slices alike.
func normalize(c *home.Config) home.Config {
	out := home.Config{Default: c.Default, Remotes: map[string]home.Remote{}}
	for n, r := range c.Remotes {
		if len(r.Gateways) == 0 {
			r.Gateways = nil
		}
		out.Remotes[n] = r
	}
	return out
}
