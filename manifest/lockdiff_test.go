package manifest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/manifest"
)

func TestLockDrift(t *testing.T) {
	lock := func() *manifest.Lock {
		l := *goldenLocks["basic"]
		l.Services = map[manifest.Name]manifest.LockEntry{}
		for n, e := range goldenLocks["basic"].Services {
			l.Services[n] = e
		}
		return &l
	}
	project := func(services string) *manifest.Project {
		return decodeProject(t, fmt.Sprintf(`{"registry": %q, "services": {%s}}`, lockRegistry, services))
	}
	current := `"tts": "^1.0.0", "player": ">=2.1 <3", "web.app_2": "latest"`
	tests := []struct {
		name    string
		project *manifest.Project
		edit    func(*manifest.Lock)
		want    []string
	}{
		{"current", project(current), nil, nil},
		{"current despite spaces", project(`"tts": " ^1.0.0", "player": ">=2.1 <3", "web.app_2": "latest"`), nil, nil},
		{"added", project(current + `, "new": "*"`), nil, []string{`new@* is in svcreg.json but not in the lock`}},
		{"removed", project(`"tts": "^1.0.0", "web.app_2": "latest"`), nil, []string{`player is in the lock (player@2.1.3) but no longer in svcreg.json`}},
		{"range changed", project(`"tts": "^1.0.1", "player": ">=2.1 <3", "web.app_2": "latest"`), nil,
			[]string{`tts: svcreg.json asks for "^1.0.1", the lock recorded "^1.0.0"`}},
		{"tag changed", project(`"tts": "^1.0.0", "player": ">=2.1 <3", "web.app_2": "beta"`), nil,
			[]string{`web.app_2: svcreg.json asks for "beta", the lock recorded "latest"`}},
		{"hand-edited version", project(current), func(l *manifest.Lock) {
			e := l.Services["tts"]
			e.Version = manifest.MustParseVersion("2.0.0")
			l.Services["tts"] = e
		}, []string{`tts: the locked version 2.0.0 does not satisfy the recorded range "^1.0.0"`}},
		{"registry changed", &manifest.Project{Registry: "k51other", Services: project(current).Services}, nil,
			[]string{`svcreg.json names registry k51other, the lock was made for ` + lockRegistry}},
		{"several, sorted", project(`"a": "1", "tts": "^2", "web.app_2": "latest"`), nil, []string{
			`a@1 is in svcreg.json but not in the lock`,
			`player is in the lock (player@2.1.3) but no longer in svcreg.json`,
			`tts: svcreg.json asks for "^2", the lock recorded "^1.0.0"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := lock()
			if tt.edit != nil {
				tt.edit(l)
			}
			var got []string
			for _, d := range l.Drift(tt.project) {
				got = append(got, d.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("drift:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestLockEntrySatisfies(t *testing.T) {
	entry := func(rng, v string) manifest.LockEntry {
		return manifest.LockEntry{Range: rng, Version: manifest.MustParseVersion(v)}
	}
	tests := []struct {
		entry manifest.LockEntry
		spec  string
		want  bool
	}{
		{entry("^1.0.0", "1.2.0"), "tts@^1.0.0", true},
		{entry("^1.0.0", "1.2.0"), "tts@^1.1", true}, // a changed range the version still meets: kept
		{entry("^1.0.0", "1.2.0"), "tts@~1.0", false},
		{entry("^1.0.0", "1.2.0"), "tts@1.2.0", true},
		{entry("1.1.0-beta.1", "1.1.0-beta.1"), "tts@^1.0.0", false}, // prereleases only when named
		{entry("latest", "1.2.0"), "tts@latest", true},
		{entry("latest", "1.2.0"), "tts@beta", false},
		{entry("^1", "1.2.0"), "tts@latest", false},
		{entry("latest", "1.2.0"), "tts@^1", true},
	}
	for _, tt := range tests {
		t.Run(tt.entry.Range+"→"+tt.spec, func(t *testing.T) {
			sp, err := manifest.ParseSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.entry.Satisfies(sp); got != tt.want {
				t.Fatalf("%s@%s Satisfies(%s) = %v, want %v", tt.entry.Range, tt.entry.Version, tt.spec, got, tt.want)
			}
		})
	}
}
