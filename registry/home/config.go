package home

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
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/kubo"
	"github.com/svcreg/svcreg/registry/remote"
	"github.com/svcreg/svcreg/registry/target"
)

// MaxConfigSize bounds how much of the config file is read.
const MaxConfigSize = 1 << 20

// Config is the content of the config file (ConfigFile), which `svcreg
// remote` and `svcreg replica` write:
//
//	{
//	  "default": "main",
//	  "remotes": {
//	    "main": {"registry": "k51…", "gateways": ["https://gw.example"]}
//	  }
//	}
type Config struct {
	Default  string             `json:"default,omitempty"`
	Remotes  map[string]Remote  `json:"remotes,omitempty"`
	Replicas map[string]Replica `json:"replicas,omitempty"`
	// Follow lists the registries 'svcreg serve' follows besides its
	// --follow flags: remote NAMEs, k51… names or domains with DNSLink.
	Follow []string `json:"follow,omitempty"`

	// parsed holds each remote's Registry as parsed once.
	parsed map[string]ipnsrec.Name
}

// Remote is one followed registry.
type Remote struct {
	Registry string   `json:"registry"`
	Gateways []string `json:"gateways,omitempty"`
}

// Replica is one kubo node that keeps a copy of this home's registry.
type Replica struct {
	Kubo string `json:"kubo"`
	Pin  bool   `json:"pin,omitempty"`
}

// CheckRemoteName refuses names that are not short lowercase words
// (IsRemoteName), and names that read as a registry name (so a registry
// argument is never ambiguous).
func CheckRemoteName(s string) error {
	if !IsRemoteName(s) {
		return fmt.Errorf("remote name %q: use 1-63 of a-z 0-9 . _ -, starting with a letter or digit", s)
	}
	if _, err := ipns.ParseName(s); err == nil {
		return fmt.Errorf("remote name %q reads as a registry name", s)
	}
	return nil
}

// IsRemoteName reports whether s is 1-63 of a-z 0-9 . _ -, starting with
// a letter or digit. (No regexp: its compilation would cost every command
// start-up time.)
func IsRemoteName(s string) bool {
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

// ParseConfig decodes and checks a config file. Unknown fields are
// ignored, so that older versions read newer files; known fields must be
// valid, and registry names and gateway URLs come back in canonical form.
// Errors wrap ErrInvalidConfig.
func ParseConfig(data []byte) (*Config, error) {
	cfg := &Config{}
	if len(bytes.TrimSpace(data)) == 0 {
		return cfg, nil
	}
	if len(data) > MaxConfigSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalidConfig, MaxConfigSize)
	}
	if err := json.Unmarshal(data, cfg); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	for name, r := range cfg.Remotes {
		if err := CheckRemoteName(name); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
		reg, err := ipns.ParseRegistryName(r.Registry)
		if err != nil {
			return nil, fmt.Errorf("%w: remote %s: %w", ErrInvalidConfig, name, err)
		}
		cfg.SetName(name, reg)
		r.Registry = reg.String()
		for i, g := range r.Gateways {
			if r.Gateways[i], err = remote.ParseURL(g); err != nil {
				return nil, fmt.Errorf("%w: remote %s: %w", ErrInvalidConfig, name, err)
			}
		}
		cfg.Remotes[name] = r
	}
	for name, r := range cfg.Replicas {
		if !IsRemoteName(name) {
			return nil, fmt.Errorf("%w: replica name %q: use 1-63 of a-z 0-9 . _ -", ErrInvalidConfig, name)
		}
		if _, err := kubo.New(r.Kubo, nil); err != nil {
			return nil, fmt.Errorf("%w: replica %s: %w", ErrInvalidConfig, name, err)
		}
	}
	for _, f := range cfg.Follow {
		if _, ok := cfg.Remotes[f]; !ok && !dnslink.IsDomain(f) {
			if _, err := ipns.ParseName(f); err != nil {
				return nil, fmt.Errorf("%w: follow %q is neither a remote, a registry name nor a domain", ErrInvalidConfig, f)
			}
		}
	}
	if _, ok := cfg.Remotes[cfg.Default]; cfg.Default != "" && !ok {
		return nil, fmt.Errorf("%w: default remote %q is not configured", ErrInvalidConfig, cfg.Default)
	}
	return cfg, nil
}

// Config reads the config file; a missing file is an empty config.
func (h *Home) Config() (*Config, error) { return LoadConfig(h.dir) }

// LoadConfig reads the config file of the home dir without opening it;
// a missing file is an empty config.
func LoadConfig(dir string) (*Config, error) {
	p := filepath.Join(dir, ConfigFile)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return cfg, nil
}

// SaveConfig writes cfg as the config file of the home dir atomically and
// durably, creating the home (mode 0700) when there is none.
func SaveConfig(dir string, cfg *Config) error {
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create home %s: %w", dir, err)
	}
	err = atomicfile.WriteFile(filepath.Join(dir, ConfigFile), append(data, '\n'), 0o600, true)
	if err != nil {
		return fmt.Errorf("write %s: %w", ConfigFile, err)
	}
	return nil
}

// SaveConfig writes cfg as the home's config file (see SaveConfig).
func (h *Home) SaveConfig(cfg *Config) error {
	if err := h.RequireWritable(); err != nil {
		return err
	}
	return SaveConfig(h.dir, cfg)
}

// Targets returns the remotes as the resolver of targets takes them.
func (c *Config) Targets() target.Remotes {
	rs := target.Remotes{Default: c.Default, Named: make(map[string]target.Remote, len(c.Remotes))}
	for n, r := range c.Remotes {
		rs.Named[n] = target.Remote{Name: c.parsed[n], Gateways: r.Gateways}
	}
	return rs
}

// SetName records reg as the parsed registry of the remote name.
func (c *Config) SetName(name string, reg ipnsrec.Name) {
	if c.parsed == nil {
		c.parsed = map[string]ipnsrec.Name{}
	}
	c.parsed[name] = reg
}

// RemoteNames returns the remote names, sorted.
func (c *Config) RemoteNames() []string {
	var out []string
	for n := range c.Remotes {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// ForkRemotes returns the remotes as the no-fork rule takes them
// (registry.CheckFork, registry.CheckLostKey).
func (c *Config) ForkRemotes() []registry.Remote {
	var out []registry.Remote
	for name, r := range c.Remotes {
		out = append(out, registry.Remote{Name: name, Registry: r.Registry, Gateways: r.Gateways})
	}
	return out
}
