package main

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/svcreg/svcreg/internal/dnstest"
)

var update = flag.Bool("update", false, "rewrite testscript files with actual output")

// asSvcreg, when set in the environment, makes the test binary behave as
// the svcreg command: the process tests start it as a subprocess.
const asSvcreg = "SVCREG_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asSvcreg) == "1" {
		os.Exit(runProcess(append([]string{"svcreg"}, os.Args[1:]...)))
	}
	testscript.Main(m, map[string]func(){
		"svcreg": func() { os.Exit(run(context.Background(), os.Args, os.Stdout, os.Stderr)) },
		// svcreg-process runs as main does, warm-resolve fast path included.
		"svcreg-process": func() { os.Exit(runProcess(os.Args)) },
	})
}

func TestScript(t *testing.T) {
	dns := dnstest.Start(t) // a real DNS server on loopback; scripts use their own domains
	testscript.Run(t, testscript.Params{
		Dir:           "testdata",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SVCREG_HOME", env.WorkDir+"/home")
			env.Setenv("DNS_ADDR", dns.Addr)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// dnstxt NAME [VALUE…] sets the TXT record NAME on the DNS
			// server at $DNS_ADDR (no VALUE: removes it).
			"dnstxt": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 1 {
					ts.Fatalf("usage: dnstxt NAME [VALUE…]")
				}
				dns.SetTXT(args[0], args[1:]...)
			},
			// publish-unchecked NAME@VERSION DIR publishes DIR without
			// svcreg publish's checks (unchecked_test.go).
			"publish-unchecked": publishUnchecked,
			// stdoutenv NAME sets $NAME to the last command's standard
			// output, without surrounding space (e.g. a registry name).
			"stdoutenv": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: stdoutenv NAME")
				}
				ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
			},
		},
	})
}
