package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/gateway"
)

func newURLCommand() *cli.Command {
	return &cli.Command{
		Name:      "url",
		ArgsUsage: "NAME[@RANGE|@TAG]",
		Flags: withCommon(append(urlTargetFlags(),
			&cli.StringFlag{Name: "gateway", Value: gateway.DefaultURL, EnvVars: []string{"SVCREG_GATEWAY"}, Usage: "base `URL` of the gateway the address is for"},
			&cli.GenericFlag{Name: "query", Value: &repeated{}, Usage: "add `K=V` to the query string (repeatable, escaped for you)"},
			&cli.StringFlag{Name: "fragment", Usage: "the part after '#', e.g. /ipfs/CID"},
			&cli.BoolFlag{Name: "immutable", Usage: "address the content (CID.ipfs.HOST, or /ipfs/CID/ with --path) instead of the version"},
			&cli.BoolFlag{Name: "path", Usage: "the path form (/ipns/REGISTRY/…/content/), which shares one origin with every release on the gateway"},
			&cli.BoolFlag{Name: "subdomain", EnvVars: []string{"SVCREG_SUBDOMAIN"}, Usage: "the release's own origin (the default; kept for scripts that pass it)"},
		)...),
		Action: withArgs(1, 1, "NAME[@RANGE|@TAG]", runURL),
	}
}

type urlOut struct {
	URL     string `json:"url"`
	Service string `json:"service"`
	Version string `json:"version"`
	CID     string `json:"cid"`
}

func runURL(c *cli.Context) error {
	spec, err := manifest.ParseSpec(c.Args().First())
	if err != nil {
		return err
	}
	opt := gateway.AddressOptions{Immutable: c.Bool("immutable"), Path: c.Bool("path"), Fragment: c.String("fragment")}
	if opt.Query, err = gateway.EncodeQuery(c.Generic("query").(*repeated).values); err != nil {
		return usageErr(err, "write --query KEY=VALUE, once per parameter")
	}
	base, err := gateway.ParseBaseURL(c.String("gateway"))
	if err != nil {
		return usageErr(err, "pass --gateway http://HOST:PORT, e.g. "+gateway.DefaultURL)
	}
	h, err := openTarget(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	info, err := h.Registry.Info(c.Context, spec)
	if err != nil {
		return err
	}
	res := info.Resolution()
	warnYanked(c, res)
	u, err := gateway.ReleaseURL(base, h.Target.Name, info, opt)
	switch {
	case errors.Is(err, gateway.ErrIPGateway):
		return usageErr(fmt.Errorf("url: %w: no browser resolves names under it", err),
			"pass the gateway by a name whose subdomains reach it (--gateway http://localhost:PORT, or a host the server runs with --subdomain-host), or --path for the path form, which every release on the gateway shares")
	case errors.Is(err, gateway.ErrGatewayPath):
		return usageErr(fmt.Errorf("url: %w", err), "pass --path for the path form, or the gateway's host without a path")
	case err != nil:
		return err
	}
	out := urlOut{URL: u, Service: string(res.Service), Version: res.Version.String(), CID: res.CID.String()}
	return emit(c, out, func(w io.Writer) { fmt.Fprintln(w, out.URL) })
}

// urlTargetFlags are the flags that pick the registry (--registry, with
// --offline, --refresh, --timeout for a followed one), as for svcreg info,
// without the fetch --gateway: here --gateway is the gateway the address
// is for.
func urlTargetFlags() []cli.Flag {
	var out []cli.Flag
	for _, f := range readFlags() {
		if f.Names()[0] != "gateway" {
			out = append(out, f)
		}
	}
	return out
}

// repeated is a flag value that collects every occurrence, commas included
// (urfave/cli's StringSliceFlag splits values at commas).
type repeated struct{ values []string }

func (r *repeated) Set(v string) error { r.values = append(r.values, v); return nil }
func (r *repeated) String() string     { return strings.Join(r.values, " ") }
