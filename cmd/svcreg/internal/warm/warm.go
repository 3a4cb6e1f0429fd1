// Package warm answers a warm `svcreg resolve NAME[@RANGE]` — one whose
// answer the index has cached for the registry's current head — while Go
// is still initialising the program's packages, and exits.
//
// svcreg is one binary, and every package it links runs its init before
// main: boxo's gateway assets alone take several milliseconds, libp2p and
// protobuf more. Go initialises next the first package in import-path
// order whose imports are initialised, and github.com/svcreg/… sorts after
// github.com/ipfs/…, github.com/ipld/… and github.com/libp2p/…, so while
// this package waits for one of its imports, every ready package that
// sorts before it goes first. It therefore imports nothing that Go
// initialises late: no crypto/ed25519 (ipnsname derives the key another
// way) and no path/filepath; what bbolt and SHA-256 bring remains (about
// 100 packages, none of go-cid, boxo, protobuf's registry or
// go-ipld-prime's schema; a test checks this on the built binary with
// GODEBUG=inittrace=1, and docs/ARCHITECTURE.md has the figures).
//
// On any doubt — other flags, a home that follows other registries, no
// cached answer, a locked or doubtful index, a home or key file with
// loose permissions — it returns and the full command line runs as usual,
// giving the same answer or the proper error.
package warm

import (
	"os"
	"strings"
	"time"

	"github.com/svcreg/svcreg/registry/bolt/peek"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// lockWait is how long the warm path waits for another process's index
// lock before leaving the question to the full command line.
const lockWait = 20 * time.Millisecond

// DisableEnv, when set to 1, turns the warm path off (for tests that
// compare it with the full path).
const DisableEnv = "SVCREG_NO_WARM"

func init() {
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
	spec, home, ok := parse(args)
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
	q, ok := query(spec)
	if !ok {
		return "", false
	}
	a, ok := peek.Resolution(inHome(home, "index.db"), name, q, lockWait)
	return a.CID, ok
}

// parse accepts `resolve SPEC` with --home DIR (or --home=DIR) anywhere.
func parse(args []string) (spec, home string, ok bool) {
	var pos []string
	for i := 0; i < len(args); i++ {
		switch t := args[i]; {
		case t == "--home" || t == "-home":
			if i+1 >= len(args) || strings.HasPrefix(args[i+1], "-") && args[i+1] != "-" {
				return "", "", false // no value: a usage error on the full path
			}
			i++
			home = args[i]
		case strings.HasPrefix(t, "--home=") || strings.HasPrefix(t, "-home="):
			home = t[strings.Index(t, "=")+1:]
		case strings.HasPrefix(t, "-"):
			return "", "", false
		default:
			pos = append(pos, t)
		}
	}
	if len(pos) != 2 || pos[0] != "resolve" {
		return "", "", false
	}
	if home == "" {
		home = os.Getenv("SVCREG_HOME")
	}
	if strings.HasPrefix(home, "~") {
		return "", "", false // the full program expands or refuses it
	}
	if home == "" {
		u, err := os.UserHomeDir()
		if err != nil {
			return "", "", false
		}
		home = inHome(u, ".svcreg")
	}
	return pos[1], home, home != ""
}

// inHome returns the path of name in dir. It does not clean dir as
// filepath.Join would: the warm path only opens these files, and
// path/filepath is among the packages Go initialises late (see the
// package comment), so importing it would make the answer wait.
func inHome(dir, name string) string {
	return dir + string(os.PathSeparator) + name
}

// query returns the key under which the index caches spec: the form
// manifest.Spec.String gives (name and the part after '@', each trimmed).
// It reports false for "NAME@", which ParseSpec refuses; any other spec
// that is not valid was never cached, so its key finds nothing.
func query(spec string) (string, bool) {
	name, rest, hasAt := strings.Cut(strings.TrimSpace(spec), "@")
	name, rest = strings.TrimSpace(name), strings.TrimSpace(rest)
	switch {
	case !hasAt:
		return name, true
	case rest == "":
		return "", false
	}
	return name + "@" + rest, true
}
