package main

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/bytesize"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/gateway"
	"github.com/svcreg/svcreg/registry/node"
	"github.com/svcreg/svcreg/registry/peer"
	"github.com/svcreg/svcreg/registry/remote"
)

func newServeCommand() *cli.Command {
	return &cli.Command{
		Name: "serve",
		Flags: withCommon(
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8080", Usage: "address to listen on"},
			&cli.StringFlag{Name: "registry", Usage: "the registry /svc/ resolves in: a k51… name, a domain with DNSLink or a remote's NAME (default: this home's own)"},
			&cli.DurationFlag{Name: "max-stale", Value: gateway.DefaultMaxStale, Usage: "longest use of a head read from the index without re-reading it"},
			&cli.StringFlag{Name: "public-url", Usage: "the URL clients reach this server at, announced in /routing/v1/providers (default: the listen address)"},
			&cli.StringSliceFlag{Name: "subdomain-host", Usage: "serve `HOST` as a subdomain gateway: an origin per release (repeatable)"},
			&cli.BoolFlag{Name: "verbose", Usage: "log refused records and index waits to stderr"},
			&cli.StringSliceFlag{Name: "follow", Usage: "follow, mirror and serve the registry `NAME` (a k51… name, a domain with DNSLink or a remote's NAME); repeatable"},
			&cli.StringSliceFlag{Name: "upstream", Usage: "gateway or svcreg node `URL` to follow from (repeatable; default: the remote's gateways)"},
			&cli.StringFlag{Name: "mirror", Value: "all", Usage: "what to keep of followed registries: all (history and every release), latest, none (read-through only)"},
			&cli.BoolFlag{Name: "fetch-any", Usage: "fetch any CID the upstreams have, not only what the followed registries reach (an open cache)"},
			&cli.IntFlag{Name: "max-fetches", Value: follow.DefaultMaxFetches, Usage: "blocks fetched from the upstreams at once"},
			&cli.StringFlag{Name: "log", Value: "text", Usage: "log format on stderr: text or json (one line per event)"},
			&cli.DurationFlag{Name: "timeout", Value: remote.DefaultTimeout, Usage: "overall deadline of each request to an upstream"},
			&cli.IntFlag{Name: "max-conns", Usage: "serve at most `N` connections at once; more wait to be accepted (default: half the open-file limit)"},
			&cli.BoolFlag{Name: "no-dnslink", Usage: "never look up DNSLink for the Host of a request (as kubo's Gateway.NoDNSLink); /ipns/DOMAIN/ still resolves"},
			&cli.StringFlag{Name: "storage-max", Usage: "run gc of what no head reaches when the blocks take more than `SIZE` (bytes, or with KiB, MiB, GiB, TiB; default: never)"},
			&cli.BoolFlag{Name: "p2p", Usage: "be a peer on the IPFS network too: serve the blocks over bitswap, put the registry's record into the DHT and provide its roots (docs/NODE.md)"},
			&cli.StringSliceFlag{Name: "p2p-listen", Usage: "with --p2p, listen on `MULTIADDR` (repeatable; default TCP and QUIC on port 4002, every interface)"},
			&cli.StringSliceFlag{Name: "bootstrap", Usage: "with --p2p, join the network through the peer `MULTIADDR` (…/p2p/ID; repeatable; default the Amino bootstrap peers)"},
			&cli.IntFlag{Name: "p2p-low-water", Value: peer.DefaultConnLow, Usage: "with --p2p, trim connections down to `N` (kubo's Swarm.ConnMgr.LowWater)"},
			&cli.StringFlag{Name: "provide", Value: "roots", Usage: "with --p2p, announce to the DHT `WHAT`: roots (manifests, index nodes, release roots) or all (every block served)"},
			&cli.IntFlag{Name: "p2p-high-water", Value: peer.DefaultConnHigh, Usage: "with --p2p, trim connections when there are more than `N` (kubo's Swarm.ConnMgr.HighWater)"},
			&cli.StringFlag{Name: "max-response", Value: fmt.Sprintf("%dGiB", gateway.DefaultMaxResponseSize>>30), Usage: "abort a response once its body passes `SIZE` (bytes, or with KiB, MiB, GiB, TiB)"},
		),
		Action: runServe,
	}
}

func runServe(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageErr(fmt.Errorf("serve takes no arguments, got %q", c.Args().Slice()), "svcreg serve [--listen ADDR] [--registry NAME]")
	}
	mirror, err := follow.ParseMirror(c.String("mirror"))
	if err != nil {
		return usageErr(err, "--mirror all|latest|none")
	}
	if c.Int("max-fetches") < 1 {
		return usageErr(fmt.Errorf("--max-fetches %d: want at least 1", c.Int("max-fetches")), "--max-fetches N")
	}
	maxResponse, err := bytesize.Parse(c.String("max-response"))
	if err != nil {
		return usageErr(fmt.Errorf("--max-response: %w", err), sizeHint)
	}
	if n := c.Int("max-conns"); n < 0 {
		return usageErr(fmt.Errorf("--max-conns: must be at least 1, got %d", n), "svcreg serve --max-conns N")
	}
	var storageMax uint64
	if v := c.String("storage-max"); v != "" {
		if storageMax, err = bytesize.Parse(v); err != nil {
			return usageErr(fmt.Errorf("--storage-max: %w", err), sizeHint)
		}
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	logger, err := serveLogger(c)
	if err != nil {
		return err
	}
	dl, err := newDNSLink(c)
	if err != nil {
		return err
	}
	nc := node.Config{Home: h.Home, Mirror: mirror, FetchAny: c.Bool("fetch-any"), MaxFetches: c.Int("max-fetches"),
		Timeout: c.Duration("timeout"), UserAgent: "svcreg/" + versionString(), MaxStale: c.Duration("max-stale"),
		SubdomainHosts: c.StringSlice("subdomain-host"), DNSLink: dl, NoDNSLink: c.Bool("no-dnslink"), PublicURL: c.String("public-url"),
		MaxResponseSize: int64(min(maxResponse, math.MaxInt64)), MaxConns: c.Int("max-conns"),
		StorageMax: int64(min(storageMax, math.MaxInt64)), Logger: logger}
	if nc.P2P, err = serveP2P(c); err != nil {
		return err
	}
	if err := serveFollow(c, &nc); err != nil {
		return err
	}
	if c.String("registry") != "" {
		t, err := selectedTarget(c, h.Dir())
		if err != nil {
			return err
		}
		nc.Registry = t.Name
	}
	n, err := node.New(nc)
	switch {
	case errors.Is(err, registry.ErrNoHead):
		return fmt.Errorf("serve: %w", err)
	case errors.Is(err, follow.ErrBadUpstream):
		return usageErr(err, "upstream URLs look like https://gateway.example or http://mirror-a:8080")
	case err != nil:
		return err
	}
	ln, err := net.Listen("tcp", c.String("listen"))
	if err != nil {
		return err
	}
	defer ln.Close()
	shown := n.Registry().String()
	if n.Registry() == (ipnsrec.Name{}) {
		shown = "- (no key in the home: /svc/ is off)"
	}
	err = n.Serve(c.Context, ln, func() {
		for _, a := range n.PeerAddrs() {
			fmt.Fprintf(c.App.Writer, "svcreg serve: p2p %s\n", a)
		}
		fmt.Fprintf(c.App.Writer, "svcreg serve: http://%s/ registry %s\n", ln.Addr(), shown)
	})
	if errors.Is(err, gateway.ErrPublicURL) {
		return usageErr(fmt.Errorf("--public-url: %w", err), "give the URL clients reach this server at, e.g. https://reg.example")
	}
	return err
}

// serveP2P returns the peer's settings from --p2p, --p2p-listen,
// --bootstrap and the water marks (nil without --p2p).
func serveP2P(c *cli.Context) (*peer.Config, error) {
	if !c.Bool("p2p") {
		for _, f := range []string{"p2p-listen", "bootstrap", "p2p-low-water", "p2p-high-water", "provide"} {
			if c.IsSet(f) {
				return nil, usageErr(fmt.Errorf("--%s needs --p2p", f), "svcreg serve --p2p [--p2p-listen MULTIADDR]… [--bootstrap MULTIADDR]… [--p2p-low-water N] [--p2p-high-water N] [--provide roots|all]")
			}
		}
		return nil, nil
	}
	low, high := c.Int("p2p-low-water"), c.Int("p2p-high-water")
	if low < 1 || high < low {
		return nil, usageErr(fmt.Errorf("--p2p-low-water %d, --p2p-high-water %d: want 1 <= low <= high", low, high), "svcreg serve --p2p --p2p-low-water 32 --p2p-high-water 96")
	}
	listen, err := peer.ParseListen(c.StringSlice("p2p-listen"))
	if err != nil {
		return nil, usageErr(fmt.Errorf("--p2p-listen: %w", err), "a multiaddr such as /ip4/0.0.0.0/tcp/4002 or /ip4/0.0.0.0/udp/4002/quic-v1")
	}
	provide, err := peer.ParseProvide(c.String("provide"))
	if err != nil {
		return nil, usageErr(fmt.Errorf("--provide: %w", err), "--provide roots|all")
	}
	pc := &peer.Config{Listen: listen, ConnLow: low, ConnHigh: high, Provide: provide, FetchTimeout: c.Duration("timeout")}
	if c.IsSet("bootstrap") {
		if pc.Bootstrap, err = peer.ParseBootstrap(c.StringSlice("bootstrap")); err != nil {
			return nil, usageErr(fmt.Errorf("--bootstrap: %w", err), "a peer's multiaddr with its ID, such as /ip4/192.0.2.1/tcp/4001/p2p/12D3KooW…")
		}
	}
	return pc, nil
}

// serveLogger returns the server's logger: text or JSON lines on stderr.
func serveLogger(c *cli.Context) (*slog.Logger, error) {
	level := slog.LevelInfo
	if c.Bool("verbose") {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.String("log") {
	case "", "text":
		return slog.New(slog.NewTextHandler(c.App.ErrWriter, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(c.App.ErrWriter, opts)), nil
	}
	return nil, usageErr(fmt.Errorf("--log %q: want text or json", c.String("log")), "--log text|json")
}

// serveFollow completes nc from the home's config file: its replicas,
// and the registries to follow, --follow's and the file's, read from
// --upstream or the remote's gateways and, with --p2p, from the IPFS
// network (node.FromHome), and words the errors with the spec as typed.
func serveFollow(c *cli.Context, nc *node.Config) error {
	dir := nc.Home.Dir()
	targets, err := newTargets(c, dir, c.StringSlice("upstream"))
	if err != nil {
		return err
	}
	err = node.FromHome(c.Context, nc, targets, c.StringSlice("follow"))
	var fe *node.FollowError
	switch {
	case !errors.As(err, &fe):
		return err
	case errors.Is(fe.Err, node.ErrEmptySpec):
		return usageErr(errors.New("--follow: empty"), "pass a k51… name, a domain with a DNSLink record, or the NAME of a remote ('svcreg remote ls')")
	case errors.Is(fe.Err, node.ErrNoUpstream):
		return usageErr(fmt.Errorf("--follow %s: no upstream", fe.Spec), "pass --upstream URL, follow a remote that has gateways, or follow over the IPFS network with --p2p")
	}
	return targetErr(fe.Err, "--follow", dir)
}
