package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/dnslink"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/target"
)

// dnsLinkConfig is the DNSLink setting: --dns-resolver
// ($SVCREG_DNS_RESOLVER) and $SVCREG_NS_MAP (kubo's IPFS_NS_MAP format).
func dnsLinkConfig(c *cli.Context) dnslink.Config {
	return dnslink.Config{NSMap: os.Getenv("SVCREG_NS_MAP"), Server: c.String("dns-resolver")}
}

// newTargets is the library's resolver of "which registry" for the home
// dir (registry/home.Resolver): its key, its remotes, the registries its
// index holds, and DNSLink. gateways (--gateway, --upstream) replace a
// remote's.
func newTargets(c *cli.Context, dir string, gateways []string) (*target.Resolver, error) {
	o, err := homeOptions()
	if err != nil {
		return nil, err
	}
	return svchome.Resolver(dir, o, target.Config{DNSLink: dnsLinkConfig(c), Gateways: gateways})
}

// targetErr gives a resolver's error its exit code and hint; flag names
// where the user wrote it (--registry, --follow).
func targetErr(err error, flag, dir string) error {
	var nt *target.NoTargetError
	switch {
	case errors.As(err, &nt) && len(nt.Heads) == 0:
		return fmt.Errorf("%w in %s, no default remote, and no registry's state", svchome.ErrNoKey, dir)
	case errors.As(err, &nt):
		return withHint(fmt.Errorf("%w in %s and no default remote, but the states of %d registries: %s", svchome.ErrNoKey, dir, len(nt.Heads), strings.Join(nt.Heads, ", ")),
			"name one with --registry k51…, or make one the default with 'svcreg remote add NAME k51… --default'")
	case errors.Is(err, target.ErrInvalidTarget):
		return withHint(fmt.Errorf("%s %w", flag, err),
			"pass a k51… name, a domain with a DNSLink record, or the NAME of a remote ('svcreg remote ls')")
	}
	return dnsLinkErr(err)
}

// dnsLinkErr gives a DNSLink failure its exit code and hint; other errors
// pass unchanged.
func dnsLinkErr(err error) error {
	var de *target.DNSLinkError
	switch {
	case errors.Is(err, target.ErrDNSConfig):
		return usageErr(err, "SVCREG_NS_MAP is DOMAIN:/ipns/NAME[,…]; --dns-resolver is HOST:PORT")
	case !errors.As(err, &de):
		return err
	}
	code := exitNetwork // the DNS server did not answer
	switch {
	case errors.Is(err, dnslink.ErrNotFound):
		code = exitNotFound
	case isAny(err, dnslink.ErrInvalidRecord, dnslink.ErrNotRegistry, ipns.ErrInvalidName):
		code = exitUsage
	}
	return &cliError{err: err, code: code,
		hint: "a registry domain needs the TXT record _dnslink." + de.Domain + " \"dnslink=/ipns/k51…\" (or an entry in SVCREG_NS_MAP)"}
}
