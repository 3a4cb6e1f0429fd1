package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// commonFlags are accepted by every command, before or after its arguments.
func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "home", Usage: "registry state directory", EnvVars: []string{"SVCREG_HOME"}, DefaultText: "~/.svcreg"},
		&cli.BoolFlag{Name: "json", Usage: "print machine-readable JSON"},
		dnsFlag(),
	}
}

// signFlags are accepted by commands that sign a new manifest state.
func signFlags() []cli.Flag {
	return []cli.Flag{
		&cli.DurationFlag{Name: "lifetime", Value: 48 * time.Hour, Usage: "validity of the new IPNS record"},
		&cli.DurationFlag{Name: "ttl", Value: 5 * time.Minute, Usage: "cache TTL of the new IPNS record"},
	}
}

func withCommon(fs ...cli.Flag) []cli.Flag { return append(commonFlags(), fs...) }

// homeDir returns --home, $SVCREG_HOME or ~/.svcreg as an absolute path.
// A path that exists but is not a directory is an input error (exit 6); a
// home its group or others may write is refused (ipnsname.CheckHome, the
// rule the warm path applies too).
func homeDir(c *cli.Context) (string, error) {
	dir, err := homeDirPath(c)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() || errors.Is(err, syscall.ENOTDIR) {
		return "", &cliError{err: fmt.Errorf("home %s is not a directory", dir), code: exitInput,
			hint: "point SVCREG_HOME (or --home) at a directory; svcreg creates it when it does not exist"}
	}
	if err := ipnsname.CheckHome(dir); err != nil {
		return "", err
	}
	return dir, nil
}

func homeDirPath(c *cli.Context) (string, error) {
	if h := c.String("home"); h != "" {
		return filepath.Abs(h)
	}
	u, err := os.UserHomeDir()
	if err != nil {
		return "", usageErr(err, "set SVCREG_HOME or pass --home DIR")
	}
	return filepath.Join(u, ".svcreg"), nil
}
