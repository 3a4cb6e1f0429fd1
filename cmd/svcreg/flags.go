package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/cliapp"
	"github.com/svcreg/svcreg/registry/dnslink"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
)

// commonFlags are accepted by every command, before or after its arguments.
func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "home", Usage: "registry state directory", EnvVars: []string{"SVCREG_HOME"}, DefaultText: "~/.svcreg"},
		&cli.BoolFlag{Name: "json", Usage: "print machine-readable JSON"},
		dnsFlag(),
	}
}

// publishKeyFlag is --key of the commands that change a registry: the
// publish key a registry with a trust Root signs its manifests with.
func publishKeyFlag() cli.Flag {
	return &cli.StringFlag{Name: "key", EnvVars: []string{"SVCREG_PUBLISH_KEY"},
		Usage: "publish key `FILE` (from 'svcreg init --roles DIR') that signs the new manifest of a registry with a root"}
}

// passphraseFileFlag is --passphrase-file, beside publishKeyFlag and
// wherever a role key file is written or read: the file that holds the
// passphrase of an encrypted key file (readPassphrase).
func passphraseFileFlag() cli.Flag {
	return &cli.StringFlag{Name: "passphrase-file",
		Usage: "read the passphrase of an encrypted key file from `FILE` (mode 0600; default $" + passphraseEnv + ")"}
}

// signFlags are accepted by commands that sign a new manifest state.
func signFlags() []cli.Flag {
	return []cli.Flag{
		&cli.DurationFlag{Name: "lifetime", Value: ipns.DefaultLifetime, Action: checkLifetime,
			Usage: "validity of the new IPNS record: more than 0, " + lifetimeRange()},
		&cli.DurationFlag{Name: "ttl", Value: 5 * time.Minute, Usage: "cache TTL of the new IPNS record"},
	}
}

// checkLifetime refuses a --lifetime outside (0, ipns.MaxLifetime]: a
// record that is never valid, or valid for longer than svcreg signs.
func checkLifetime(c *cli.Context, d time.Duration) error {
	if d > 0 && d <= ipns.MaxLifetime {
		return nil
	}
	return usageErr(fmt.Errorf("%s: --lifetime %s is out of range: it must be more than 0 and %s",
		commandPath(c), d, lifetimeRange()), fmt.Sprintf("write a duration such as --lifetime 168h (the default is %dh)", ipns.DefaultLifetime/time.Hour))
}

// lifetimeRange words the upper bound of --lifetime.
func lifetimeRange() string {
	return fmt.Sprintf("at most %dh (%d days)", ipns.MaxLifetime/time.Hour, ipns.MaxLifetime/(24*time.Hour))
}

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

func withCommon(fs ...cli.Flag) []cli.Flag { return append(commonFlags(), fs...) }

// homeDir returns --home, $SVCREG_HOME or ~/.svcreg as an absolute path.
// A path that exists but is not a directory is an input error (exit 6); a
// home its group or others may write is refused (registry/home.Check:
// ipnsname.CheckHome, the rule the warm path applies too).
func homeDir(c *cli.Context) (string, error) {
	dir, err := homeDirPath(c)
	if err != nil {
		return "", err
	}
	if err := svchome.Check(dir); errors.Is(err, svchome.ErrNotDir) {
		return "", &cliError{err: fmt.Errorf("home %s is not a directory", dir), code: exitInput,
			hint: "point SVCREG_HOME (or --home) at a directory; svcreg creates it when it does not exist"}
	} else if err != nil {
		return "", err
	}
	return dir, nil
}

// homeDirPath is the home's path (registry/home.Dir): --home or
// $SVCREG_HOME with ~ expanded, else ~/.svcreg.
func homeDirPath(c *cli.Context) (string, error) {
	p := c.String("home")
	dir, err := svchome.Dir(p)
	switch {
	case errors.Is(err, svchome.ErrTildeUser):
		return "", usageErr(fmt.Errorf("home %s: %w", p, err), "give the home as an absolute path, e.g. --home /home/NAME/reg")
	case err != nil && p == "":
		return "", usageErr(err, "set SVCREG_HOME or pass --home DIR")
	case err != nil && strings.HasPrefix(p, "~"):
		return "", usageErr(fmt.Errorf("home %s: %w", p, err), "give the home as an absolute path")
	}
	return dir, err
}

// commandPath is "publish" or "remote add": the command as typed after
// "svcreg".
func commandPath(c *cli.Context) string { return cliapp.CommandPath(c) }

// helpHint is the hint of a usage error in command c.
func helpHint(c *cli.Context) string { return cliapp.Hint(c) }
