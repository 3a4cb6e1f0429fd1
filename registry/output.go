package registry

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/svcreg/svcreg/manifest"
)

// The JSON forms below are what `svcreg --json` prints for these results
// (docs/CLI.md): times in RFC 3339, UTC, to the second; CIDs and versions
// as strings; the yank state as two keys that are always present.

// yankState is a release's yank state as the JSON forms carry it.
type yankState struct {
	Yanked     bool   `json:"yanked"`
	YankReason string `json:"yank_reason"`
}

func yankOf(r manifest.Release) yankState {
	if r.Yank == nil {
		return yankState{}
	}
	return yankState{Yanked: true, YankReason: r.Yank.Reason}
}

// jsonTime is t in the JSON forms' time format.
func jsonTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// MarshalJSON writes {service, version, cid, yanked, yank_reason}.
func (r Resolution) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Service string `json:"service"`
		Version string `json:"version"`
		CID     string `json:"cid"`
		yankState
	}{string(r.Service), r.Version.String(), r.CID.String(), yankState{r.Yanked, r.YankReason}})
}

// MarshalJSON writes {service, version, cid, size, profile, hidden,
// published, yanked, yank_reason, registry, root, seq, path}.
func (i ReleaseInfo) MarshalJSON() ([]byte, error) {
	r := i.Release
	return json.Marshal(struct {
		Service   string `json:"service"`
		Version   string `json:"version"`
		CID       string `json:"cid"`
		Size      uint64 `json:"size"`
		Profile   string `json:"profile"`
		Hidden    bool   `json:"hidden"`
		Published string `json:"published"`
		yankState
		Registry string `json:"registry"`
		Root     string `json:"root"`
		Seq      uint64 `json:"seq"`
		Path     string `json:"path"`
	}{string(i.Service), i.Version.String(), r.Content.String(), r.Size, r.Profile, r.Hidden, jsonTime(r.Published),
		yankOf(r), i.Registry, i.Root.String(), i.Seq, i.Path})
}

// MarshalJSON writes {seq, root, time, change}.
func (e LogEntry) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Seq    uint64 `json:"seq"`
		Root   string `json:"root"`
		Time   string `json:"time"`
		Change string `json:"change"`
	}{e.Seq, e.Root.String(), jsonTime(e.Time), e.Change})
}

// VersionEntry is one release of a service as svcreg ls lists it.
type VersionEntry struct {
	Version manifest.Version
	Release manifest.Release
	Tags    []string // the tags naming it, sorted; never nil
}

// MarshalJSON writes {version, cid, tags, yanked, yank_reason}.
func (v VersionEntry) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Version string   `json:"version"`
		CID     string   `json:"cid"`
		Tags    []string `json:"tags"`
		yankState
	}{v.Version.String(), v.Release.Content.String(), v.Tags, yankOf(v.Release)})
}

// VersionList lists s's versions in ascending SemVer order, each with the
// tags that name it. It is never nil.
func VersionList(s *manifest.Service) []VersionEntry {
	tags := map[string][]string{}
	for t, v := range s.Tags {
		tags[v] = append(tags[v], t)
	}
	out := []VersionEntry{}
	for _, v := range s.Versions() {
		ts := tags[v.String()]
		slices.Sort(ts)
		if ts == nil {
			ts = []string{}
		}
		out = append(out, VersionEntry{Version: v, Release: s.Releases[v.String()], Tags: ts})
	}
	return out
}
