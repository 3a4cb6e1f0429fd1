package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/ipfs/go-cid"
)

// ErrInvalidProject is returned when a project file (svcreg.json) cannot
// be read: malformed JSON, an unknown or repeated field, a missing
// registry, or an invalid gateway, service name, range or tag.
var ErrInvalidProject = errors.New("invalid project file")

// MaxProjectSize is the largest project file DecodeProject reads, in bytes.
const MaxProjectSize = 1 << 20

// MaxGateways is the most gateways a project file may list.
const MaxGateways = 32

var projectFields = []string{"gateways", "registry", "root", "services"}

// Project is a consuming project's svcreg.json: the registry it uses, the
// gateways to fetch it from, and the range or tag of each service it needs.
// docs/LOCKFILE.md describes the file.
type Project struct {
	Registry string        // the registry's IPNS name (k51…) or a domain with a DNSLink record
	Gateways []string      // HTTP gateway base URLs, in order of preference
	Services map[Name]Spec // what each service must resolve to
	// Root pins the registry's trust root: the CID of a signed Root block
	// (of any version) its owner published out of band. The registry's
	// current Root must descend from it. Undefined when not pinned.
	Root cid.Cid
}

// DecodeProject reads a project file. Only the fields "registry"
// (required), "gateways", "root" and "services" are allowed, each once; a
// service maps its name to a range or tag ("^1.0.0", "~2.1", "latest"),
// and "root" is the CID of a signed Root block (CheckTrustRoot). Errors
// wrap ErrInvalidProject and name the line.
func DecodeProject(r io.Reader) (*Project, error) {
	data, err := readCapped(r, MaxProjectSize, ErrInvalidProject, "project file")
	if err != nil {
		return nil, err
	}
	jr, err := newJSONReader(data, ErrInvalidProject)
	if err != nil {
		return nil, err
	}
	p := &Project{Services: map[Name]Spec{}}
	keys, err := jr.object("the project file", projectFields, func(key string) error {
		switch key {
		case "registry":
			s, err := jr.str(key)
			if err == nil {
				if err = checkProjectRegistry(s); err != nil {
					return &RegistryError{jr.fail("%v", err)}
				}
			}
			p.Registry = s
			return err
		case "gateways":
			return decodeGateways(jr, p)
		case "root":
			return decodeRootPin(jr, p)
		default:
			return decodeServices(jr, p)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := jr.require("the project file", keys, "registry"); err != nil {
		return nil, &RegistryError{err}
	}
	if err := jr.end(); err != nil {
		return nil, err
	}
	return p, nil
}

// decodeRootPin reads "root": a signed Root block's CID, as a string.
func decodeRootPin(jr *jsonReader, p *Project) error {
	s, err := jr.str("root")
	if err != nil {
		return err
	}
	c, err := cid.Decode(s)
	if err != nil {
		return jr.fail("root: %q is not a CID: %v", s, err)
	}
	if err := CheckTrustRoot(c); err != nil {
		return jr.fail("%v", err)
	}
	p.Root = c
	return nil
}

func decodeGateways(jr *jsonReader, p *Project) error {
	gws, err := jr.strings("gateways")
	if err != nil {
		return err
	}
	if len(gws) > MaxGateways {
		return jr.fail("gateways: %d listed, at most %d", len(gws), MaxGateways)
	}
	for i, g := range gws {
		if err := checkGateway(g); err != nil {
			return jr.fail("gateways[%d]: %v", i, err)
		}
		if slices.Contains(gws[:i], g) {
			return jr.fail("gateways[%d]: %q is listed twice", i, g)
		}
	}
	p.Gateways = gws
	return nil
}

// checkGateway accepts absolute http and https URLs without a query or
// fragment.
func checkGateway(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL: %w", s, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%q: gateways are http:// or https:// URLs", s)
	case u.Host == "":
		return fmt.Errorf("%q has no host", s)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return fmt.Errorf("%q: a gateway URL has no user, query or fragment", s)
	}
	return nil
}

func decodeServices(jr *jsonReader, p *Project) error {
	_, err := jr.object("services", nil, func(key string) error {
		n, err := ParseName(key)
		if err != nil {
			return jr.fail("services: %v", err)
		}
		q, err := jr.str("services." + key)
		if err != nil {
			return err
		}
		sp, err := ParseSpec(key + "@" + q)
		if err != nil {
			return jr.fail("services.%s: %v (write a range such as \"^1.0.0\", \"*\", or a tag such as \"latest\")", key, err)
		}
		p.Services[n] = sp
		return nil
	})
	return err
}

// EncodeProject writes p in canonical form: two-space indented JSON, keys
// in bytewise order, services sorted by name, gateways in their given
// order (omitted when there are none), root only when pinned, and a final
// newline.
func EncodeProject(w io.Writer, p *Project) error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("encode project: %w: %w", ErrInvalidProject, err)
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	if len(p.Gateways) > 0 {
		b.WriteString("  \"gateways\": [\n")
		for i, g := range p.Gateways {
			b.WriteString("    " + quote(g) + comma(i, len(p.Gateways)) + "\n")
		}
		b.WriteString("  ],\n")
	}
	fmt.Fprintf(&b, "  \"registry\": %s,\n", quote(p.Registry))
	if p.Root.Defined() {
		fmt.Fprintf(&b, "  \"root\": %s,\n", quote(p.Root.String()))
	}
	names := slices.Sorted(maps.Keys(p.Services))
	if len(names) == 0 {
		b.WriteString("  \"services\": {}\n}\n")
	} else {
		b.WriteString("  \"services\": {\n")
		for i, n := range names {
			fmt.Fprintf(&b, "    %s: %s%s\n", quote(string(n)), quote(p.Services[n].Query()), comma(i, len(names)))
		}
		b.WriteString("  }\n}\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

func comma(i, n int) string {
	if i < n-1 {
		return ","
	}
	return ""
}

func (p *Project) validate() error {
	if err := checkProjectRegistry(p.Registry); err != nil {
		return err
	}
	if len(p.Gateways) > MaxGateways {
		return fmt.Errorf("%d gateways, at most %d", len(p.Gateways), MaxGateways)
	}
	for i, g := range p.Gateways {
		if err := checkGateway(g); err != nil {
			return err
		}
		if slices.Contains(p.Gateways[:i], g) {
			return fmt.Errorf("gateway %q is listed twice", g)
		}
	}
	if p.Root.Defined() {
		if err := CheckTrustRoot(p.Root); err != nil {
			return err
		}
	}
	for n, sp := range p.Services {
		if sp.Name != n {
			return fmt.Errorf("services.%s holds a spec for %q", n, sp.Name)
		}
		if sp.Query() == "" {
			return fmt.Errorf("services.%s: no range or tag", n)
		}
	}
	return nil
}

// checkProjectRegistry accepts an IPNS name (checkRegistryName) or a
// domain whose DNSLink record names the registry (registry.example.com),
// which the command line resolves to the k51… name that a lock records.
func checkProjectRegistry(s string) error {
	err := checkRegistryName(s)
	if err == nil || !strings.Contains(s, ".") || len(s) > 253 || s[0] == '.' || s[0] == '-' {
		return err
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-')
	}) >= 0 {
		return err
	}
	return nil
}
