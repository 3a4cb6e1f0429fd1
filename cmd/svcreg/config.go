package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/kubo"
	"github.com/svcreg/svcreg/registry/remote"
	"github.com/svcreg/svcreg/registry/target"
)

// configFile is the name, in SVCREG_HOME, of the file `svcreg remote`
// writes: the registries this home follows and where to fetch them.
//
//	{
//	  "default": "main",
//	  "remotes": {
//	    "main": {"registry": "k51…", "gateways": ["https://gw.example"]}
//	  }
//	}
const configFile = "config.json"

// maxConfigSize bounds how much of the config file is read.
const maxConfigSize = 1 << 20

// errInvalidConfig is returned when the config file cannot be used.
var errInvalidConfig = errors.New("invalid config file")

// errRemoteExists is returned by `remote add` for a NAME already in use.
var errRemoteExists = errors.New("remote already exists")

// errRemoteNotFound is returned for a remote NAME that is not configured.
var errRemoteNotFound = errors.New("no such remote")

// config is the content of configFile.
type config struct {
	Default  string                   `json:"default,omitempty"`
	Remotes  map[string]remoteConfig  `json:"remotes,omitempty"`
	Replicas map[string]replicaConfig `json:"replicas,omitempty"`
	// Follow lists the registries 'svcreg serve' follows besides its
	// --follow flags: remote NAMEs, k51… names or domains with DNSLink.
	Follow []string `json:"follow,omitempty"`

	// parsed holds each remote's Registry as parsed once, by parseConfig.
	parsed map[string]ipnsrec.Name
}

// replicaConfig is one kubo node that keeps a copy of this home's
// registry (`svcreg replica`).
type replicaConfig struct {
	Kubo string `json:"kubo"`
	Pin  bool   `json:"pin,omitempty"`
}

// remoteConfig is one followed registry.
type remoteConfig struct {
	Registry string   `json:"registry"`
	Gateways []string `json:"gateways,omitempty"`
}

// checkRemoteName refuses names that are not short lowercase words, and
// names that read as a registry name (so --registry is never ambiguous).
func checkRemoteName(s string) error {
	if !isRemoteName(s) {
		return fmt.Errorf("remote name %q: use 1-63 of a-z 0-9 . _ -, starting with a letter or digit", s)
	}
	if _, err := ipns.ParseName(s); err == nil {
		return fmt.Errorf("remote name %q reads as a registry name", s)
	}
	return nil
}

// parseConfig decodes and checks the config file. Unknown fields are
// ignored, so that older versions read newer files; known fields must be
// valid, and registry names and gateway URLs come back in canonical form.
func parseConfig(data []byte) (*config, error) {
	cfg := &config{}
	if len(bytes.TrimSpace(data)) == 0 {
		return cfg, nil
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", errInvalidConfig, maxConfigSize)
	}
	if err := json.Unmarshal(data, cfg); err != nil {
		return nil, fmt.Errorf("%w: %w", errInvalidConfig, err)
	}
	for name, r := range cfg.Remotes {
		if err := checkRemoteName(name); err != nil {
			return nil, fmt.Errorf("%w: %w", errInvalidConfig, err)
		}
		reg, err := ipns.ParseRegistryName(r.Registry)
		if err != nil {
			return nil, fmt.Errorf("%w: remote %s: %w", errInvalidConfig, name, err)
		}
		cfg.setName(name, reg)
		r.Registry = reg.String()
		for i, g := range r.Gateways {
			if r.Gateways[i], err = remote.ParseURL(g); err != nil {
				return nil, fmt.Errorf("%w: remote %s: %w", errInvalidConfig, name, err)
			}
		}
		cfg.Remotes[name] = r
	}
	for name, r := range cfg.Replicas {
		if !isRemoteName(name) {
			return nil, fmt.Errorf("%w: replica name %q: use 1-63 of a-z 0-9 . _ -", errInvalidConfig, name)
		}
		if _, err := kubo.New(r.Kubo, nil); err != nil {
			return nil, fmt.Errorf("%w: replica %s: %w", errInvalidConfig, name, err)
		}
	}
	for _, f := range cfg.Follow {
		if _, ok := cfg.Remotes[f]; !ok && !dnslink.IsDomain(f) {
			if _, err := ipns.ParseName(f); err != nil {
				return nil, fmt.Errorf("%w: follow %q is neither a remote, a registry name nor a domain", errInvalidConfig, f)
			}
		}
	}
	if _, ok := cfg.Remotes[cfg.Default]; cfg.Default != "" && !ok {
		return nil, fmt.Errorf("%w: default remote %q is not configured", errInvalidConfig, cfg.Default)
	}
	return cfg, nil
}

// loadConfig reads the config file of the home dir; a missing file is an
// empty config.
func loadConfig(dir string) (*config, error) {
	p := filepath.Join(dir, configFile)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &config{}, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	cfg, err := parseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return cfg, nil
}

// save writes the config file atomically (temporary file and rename),
// creating the home (mode 0700) when there is none.
func (c *config) save(dir string) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create home %s: %w", dir, err)
	}
	err = atomicfile.WriteFile(filepath.Join(dir, configFile), append(data, '\n'), 0o600, true)
	if err != nil {
		return fmt.Errorf("write %s: %w", configFile, err)
	}
	return nil
}

// isRemoteName reports whether s is 1-63 of a-z 0-9 . _ -, starting with
// a letter or digit. (No regexp: its compilation would cost every command
// start-up time.)
func isRemoteName(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// targets returns the remotes as the resolver of targets takes them.
func (c *config) targets() target.Remotes {
	rs := target.Remotes{Default: c.Default, Named: make(map[string]target.Remote, len(c.Remotes))}
	for n, r := range c.Remotes {
		rs.Named[n] = target.Remote{Name: c.parsed[n], Gateways: r.Gateways}
	}
	return rs
}

// setName records the parsed registry of the remote name.
func (c *config) setName(name string, reg ipnsrec.Name) {
	if c.parsed == nil {
		c.parsed = map[string]ipnsrec.Name{}
	}
	c.parsed[name] = reg
}

// names returns the remote names, sorted.
func (c *config) names() []string {
	var out []string
	for n := range c.Remotes {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
