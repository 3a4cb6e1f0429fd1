package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/ipns"
)

// dnsFlag is --dns-resolver, common to every command.
func dnsFlag() cli.Flag {
	return &cli.StringFlag{Name: "dns-resolver", EnvVars: []string{"SVCREG_DNS_RESOLVER"},
		Usage: "ask the DNS server at `HOST:PORT` for DNSLink records (default: the system's resolver)"}
}

// newDNSLink builds the DNSLink resolver from --dns-resolver
// ($SVCREG_DNS_RESOLVER) and $SVCREG_NS_MAP (kubo's IPFS_NS_MAP format).
func newDNSLink(c *cli.Context) (*dnslink.Resolver, error) {
	r, err := dnslink.New(dnslink.Config{NSMap: os.Getenv("SVCREG_NS_MAP"), Server: c.String("dns-resolver")})
	if err != nil {
		return nil, usageErr(err, "SVCREG_NS_MAP is DOMAIN:/ipns/NAME[,…]; --dns-resolver is HOST:PORT")
	}
	return r, nil
}

// resolveRegistry returns the k51… name s names: s itself (any spelling
// of an IPNS name), or for a domain the name its DNSLink record gives,
// which is then checked as if it had been given directly.
func resolveRegistry(c *cli.Context, s string) (string, error) {
	name, err := ipns.ParseName(s)
	if err == nil || !dnslink.IsDomain(s) {
		return name, err
	}
	r, err := newDNSLink(c)
	if err != nil {
		return "", err
	}
	k, err := r.ResolveRegistryName(c.Context, s)
	if err != nil {
		code := exitNetwork // the DNS server did not answer
		switch {
		case errors.Is(err, dnslink.ErrNotFound):
			code = exitNotFound
		case errors.Is(err, dnslink.ErrInvalidRecord), errors.Is(err, dnslink.ErrNotRegistry):
			code = exitUsage
		}
		return "", &cliError{err: fmt.Errorf("registry %s: %w", s, err), code: code,
			hint: "a registry domain needs the TXT record _dnslink." + s + " \"dnslink=/ipns/k51…\" (or an entry in SVCREG_NS_MAP)"}
	}
	return ipns.ParseName(k)
}
