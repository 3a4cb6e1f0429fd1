package main

import (
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/dnslink"
)

// dnsFlag is --dns-resolver, common to every command.
func dnsFlag() cli.Flag {
	return &cli.StringFlag{Name: "dns-resolver", EnvVars: []string{"SVCREG_DNS_RESOLVER"},
		Usage: "ask the DNS server at `HOST:PORT` for DNSLink records (default: the system's resolver)"}
}

// newDNSLink builds the DNSLink resolver of the gateway (svcreg serve)
// from dnsLinkConfig.
func newDNSLink(c *cli.Context) (*dnslink.Resolver, error) {
	r, err := dnslink.New(dnsLinkConfig(c))
	if err != nil {
		return nil, usageErr(err, "SVCREG_NS_MAP is DOMAIN:/ipns/NAME[,…]; --dns-resolver is HOST:PORT")
	}
	return r, nil
}
