package project

import (
	"context"
	"encoding/json"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// Verification is what Verify finds: whether a directory rebuilds to a
// release's content and, when not, where they differ.
type Verification struct {
	Service manifest.Name
	Version manifest.Version
	Profile string // the release's import profile, which the rebuild used
	Hidden  bool   // the release's hidden flag, which the rebuild used
	Dir     string
	Want    cid.Cid // the release's content
	Got     cid.Cid // what Dir imports to
	// Changes are the paths that differ (none when Identical), and
	// DiffError why they could not all be listed.
	Changes   []unixfs.Change
	DiffError error
}

// Identical reports whether the directory rebuilds the release exactly.
func (v *Verification) Identical() bool { return v.Got.Equals(v.Want) }

// MarshalJSON writes {service, version, profile, hidden, dir, want, got,
// identical, changes: [{path, change, old, new}], diff_error}, as svcreg
// verify --json prints it.
func (v *Verification) MarshalJSON() ([]byte, error) {
	type change struct {
		Path   string `json:"path"`
		Change string `json:"change"` // added, removed, modified
		Old    string `json:"old"`
		New    string `json:"new"`
	}
	changes := make([]change, 0, len(v.Changes))
	for _, ch := range v.Changes {
		changes = append(changes, change{ch.Path, string(ch.Kind), cidString(ch.Old), cidString(ch.New)})
	}
	diffErr := ""
	if v.DiffError != nil {
		diffErr = v.DiffError.Error()
	}
	return json.Marshal(struct {
		Service   string   `json:"service"`
		Version   string   `json:"version"`
		Profile   string   `json:"profile"`
		Hidden    bool     `json:"hidden"`
		Dir       string   `json:"dir"`
		Want      string   `json:"want"`
		Got       string   `json:"got"`
		Identical bool     `json:"identical"`
		Changes   []change `json:"changes"`
		DiffError string   `json:"diff_error"`
	}{string(v.Service), v.Version.String(), v.Profile, v.Hidden, v.Dir, v.Want.String(), v.Got.String(), v.Identical(), changes, diffErr})
}

// cidString is c's string form, or "" when c is undefined.
func cidString(c cid.Cid) string {
	if !c.Defined() {
		return ""
	}
	return c.String()
}

// Verify imports dir in memory as the release info was published (its
// profile and hidden flag; opts gives the rest, such as exclusions and the
// homes to refuse) and compares the root with the release's content;
// nothing is stored. When they differ, local makes the release's content
// local and returns the store it is in, and the trees are compared hash by
// hash; a failure of either is the report's DiffError, not an error. The
// error is that of the import.
func Verify(ctx context.Context, info registry.ReleaseInfo, dir string, opts unixfs.Options, local func(context.Context, cid.Cid) (blockstore.Blockstore, error)) (*Verification, error) {
	rel := info.Release
	opts.Profile, opts.Hidden = rel.Profile, rel.Hidden
	mem := unixfs.NewMemoryBlockstore()
	res, err := unixfs.Import(ctx, mem, dir, opts)
	if err != nil {
		return nil, err
	}
	v := &Verification{Service: info.Service, Version: info.Version, Profile: rel.Profile, Hidden: rel.Hidden, Dir: dir, Want: rel.Content, Got: res.Root}
	if v.Identical() {
		return v, nil
	}
	bs, err := local(ctx, rel.Content)
	if err == nil {
		v.Changes, err = unixfs.Diff(ctx, bs, rel.Content, mem, res.Root)
	}
	v.DiffError = err
	return v, nil
}
