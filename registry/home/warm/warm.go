// Package warm answers a warm `svcreg resolve NAME[@RANGE]` — one whose
// answer the index of the home has cached for the registry's current
// head — from the home's files alone, before Go has initialised the rest
// of the program: Main reads the command line, answers and exits, or
// returns and lets the full program run.
//
// svcreg is one binary, and every package it links runs its init before
// main. Go initialises next the first package in import-path order whose
// imports are initialised (the spec's "Package initialization"), and
// github.com/svcreg/… sorts after github.com/ipfs/…, github.com/ipld/…,
// github.com/libp2p/… and github.com/multiformats/…: whenever the package
// calling Main in its init (cmd/svcreg/internal/warm) waits for one of its
// imports, every ready package that sorts before it goes first. On Linux
// (amd64, arm64) this package therefore imports only unsafe and
// math/bits, which have no init work of their own, and has none itself,
// so that Go runs that init right after the runtime's (and one small
// package that sorts before it); it does the rest with code of its own:
// system calls in assembly (sys_linux.go), the arguments and environment
// from /proc/self/cmdline and /proc/self/environ, one fixed arena instead
// of the heap, the home and key file checks (warm_linux.go), the public
// key with its own SHA-512 and edwards25519 arithmetic, and the index
// mapped and read as bbolt lays it out, under bbolt's shared lock, the
// answer's SHA-256 check included (bolt.go). Its stack frames are small,
// so that the goroutine running init never grows its stack (ed25519.go).
// Elsewhere it uses registry/bolt/peek and registry/ipns/ipnsname, which
// wait for about a hundred packages. cmd/svcreg's TestWarmBinaryInitOrder
// checks the order on the built binary with GODEBUG=inittrace=1;
// docs/ARCHITECTURE.md has the figures.
//
// On any doubt — other flags, a home that follows other registries, no
// cached answer, a locked or doubtful index, a home or key file with
// loose permissions, anything it does not parse — Main returns and the
// full command line runs as usual, giving the same answer or the proper
// error.
package warm

// DisableEnv, when set to 1, turns the warm path off (for tests that
// compare it with the full path).
const DisableEnv = "SVCREG_NO_WARM"

// parse accepts `resolve SPEC` with --home DIR (or --home=DIR) anywhere.
// getenv looks up the environment and defaultHome returns the home used
// without --home and $SVCREG_HOME ("" if none). It allocates nothing.
func parse(args []string, getenv func(string) string, defaultHome func() string) (spec, home string, ok bool) {
	var pos [2]string
	npos := 0
	for i := 0; i < len(args); i++ {
		switch t := args[i]; {
		case t == "--home" || t == "-home":
			if i+1 >= len(args) || hasPrefix(args[i+1], "-") && args[i+1] != "-" {
				return "", "", false // no value: a usage error on the full path
			}
			i++
			home = args[i]
		case hasPrefix(t, "--home=") || hasPrefix(t, "-home="):
			_, home, _ = cut(t, '=')
		case hasPrefix(t, "-"):
			return "", "", false
		case npos == len(pos):
			return "", "", false
		default:
			pos[npos] = t
			npos++
		}
	}
	if npos != 2 || pos[0] != "resolve" {
		return "", "", false
	}
	if home == "" {
		home = getenv("SVCREG_HOME")
	}
	if hasPrefix(home, "~") {
		return "", "", false // the full program expands or refuses it
	}
	if home == "" {
		home = defaultHome()
	}
	return pos[1], home, home != ""
}

// query returns the key under which the index caches spec, in two parts:
// name and the range after '@' ("" if none), each trimmed, which
// manifest.Spec.String joins with '@'. It reports false for "NAME@",
// which ParseSpec refuses, and for a spec with bytes outside ASCII, whose
// trimming (Unicode white space) is left to the full path; any other spec
// that is not valid was never cached, so its key finds nothing.
func query(spec string) (name, rng string, ok bool) {
	for i := 0; i < len(spec); i++ {
		if spec[i] >= 0x80 {
			return "", "", false
		}
	}
	name, rng, hasAt := cut(trimSpace(spec), '@')
	name, rng = trimSpace(name), trimSpace(rng)
	if hasAt && rng == "" {
		return "", "", false
	}
	return name, rng, true
}

// hasPrefix, cut and trimSpace are strings.HasPrefix, strings.Cut (on a
// byte) and strings.TrimSpace (on ASCII): package strings imports unicode,
// which Go initialises late.
func hasPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && s[:len(prefix)] == prefix
}

func cut(s string, sep byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func trimSpace(s string) string {
	isSpace := func(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}
