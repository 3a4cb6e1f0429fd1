package project

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/dnslink"
)

// The default names of a project's files.
const (
	FileName     = "svcreg.json"
	LockFileName = "svcreg.lock"
)

// Project is a consuming project: what its file says, where its files are
// and the registry it names.
type Project struct {
	Path     string            // the project file (svcreg.json)
	LockPath string            // its lockfile (svcreg.lock)
	Config   *manifest.Project // the file's contents; Config.Registry is Registry's string form
	Registry ipnsrec.Name      // the registry Config names, resolved once by Load
	Domain   string            // the domain the file names the registry by, "" for a k51… name
}

// Resolver turns the registry a project file names (a k51… name, or a
// domain with DNSLink) into a registry name; *target.Resolver is one.
type Resolver interface {
	Name(ctx context.Context, s string) (ipnsrec.Name, error)
}

// LockPathFor returns the lockfile of the project file p: p with its
// extension replaced by .lock (svcreg.json: svcreg.lock, web.json:
// web.lock), so that two projects in one directory keep two locks.
func LockPathFor(p string) string {
	base := filepath.Base(p)
	if ext := filepath.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	return filepath.Join(filepath.Dir(p), base+".lock")
}

// Load reads the project file at path, whose lockfile is lockPath (""
// for LockPathFor(path)), and resolves the registry it names with res.
//
// Errors wrap ErrSameFile, ErrProjectUnreadable, manifest.ErrInvalidProject
// (the file is not a valid project), or are a *NameError.
func Load(ctx context.Context, path, lockPath string, res Resolver) (*Project, error) {
	if lockPath == "" {
		lockPath = LockPathFor(path)
	}
	if path == lockPath {
		return nil, sameFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, inClass(ErrProjectUnreadable, err)
	}
	defer f.Close()
	cfg, err := manifest.DecodeProject(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p := &Project{Path: path, LockPath: lockPath, Config: cfg}
	if dnslink.IsDomain(cfg.Registry) {
		p.Domain = cfg.Registry
	}
	name, err := res.Name(ctx, cfg.Registry)
	if err != nil {
		return nil, &NameError{Path: path, Err: err}
	}
	cfg.Registry, p.Registry = name.String(), name
	return p, nil
}

// Moved reports whether the project names its registry by a domain whose
// DNSLink record now gives another registry than l was made for.
func (p *Project) Moved(l *manifest.Lock) bool {
	return p.Domain != "" && l != nil && l.Registry != p.Config.Registry
}
