//go:build !(linux && (amd64 || arm64))

package warm

import (
	"os"
	"time"

	"github.com/svcreg/svcreg/registry/bolt/peek"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// lockWait is how long the warm path waits for another process's index
// lock before leaving the question to the full command line.
const lockWait = 20 * time.Millisecond

// inHome returns the path of name in dir. It does not clean dir as
// filepath.Join would: the warm path only opens these files, and
// path/filepath is among the packages Go initialises late (see the
// package comment), so importing it would make the answer wait.
func inHome(dir, name string) string {
	return dir + string(os.PathSeparator) + name
}

// Main answers a warm resolve asked by the running process's command
// line and exits, or returns when it does not answer (see the package
// comment).
func Main() {
	if os.Getenv(DisableEnv) == "1" {
		return
	}
	if cid, ok := Answer(os.Args[1:]); ok {
		os.Stdout.WriteString(cid + "\n")
		os.Exit(0)
	}
}

// Answer returns the CID that the command line args (without the program
// name) resolve to when it is `resolve SPEC [--home DIR]`, in any order,
// and the index holds that answer for the current head.
func Answer(args []string) (string, bool) {
	spec, home, ok := parse(args, os.Getenv, func() string {
		if u, _ := os.UserHomeDir(); u != "" {
			return inHome(u, ".svcreg")
		}
		return ""
	})
	if !ok {
		return "", false
	}
	if _, err := os.Lstat(inHome(home, "config.json")); err == nil {
		return "", false // remotes configured: the full path picks the registry
	}
	if ipnsname.CheckHome(home) != nil {
		return "", false // the full path refuses it, with a hint
	}
	key, err := ipnsname.ReadKeyFile(inHome(home, "key"))
	if err != nil {
		return "", false
	}
	name, err := ipnsname.FromKeyFile(key)
	if err != nil {
		return "", false
	}
	qname, qrange, ok := query(spec)
	if !ok {
		return "", false
	}
	q := qname
	if qrange != "" {
		q += "@" + qrange
	}
	a, ok := peek.Resolution(inHome(home, "index.db"), name, q, lockWait)
	return a.CID, ok
}
