package main

import (
	"bufio"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/svcreg/svcreg/registry/bolt"
)

// TestExitCodes holds svcreg to the exit-code table in docs/CLI.md: the
// table's classes are exitClasses, and every code in it is produced by at
// least one documented failure in testdata/exitcodes/*.txtar, where
//
//	exits CODE svcreg ARGS…
//
// runs svcreg and fails unless it exits with CODE, a code of the table.
// A new code is a row in the table plus a case in a script there.
func TestExitCodes(t *testing.T) {
	table := docExitCodes(t)
	for code, class := range table {
		if code != exitOK && exitClasses[code] != class {
			t.Errorf("docs/CLI.md: exit %d is %q, exitClasses says %q", code, class, exitClasses[code])
		}
	}
	for code, class := range exitClasses {
		if _, ok := table[code]; !ok {
			t.Errorf("exitClasses has %d (%s), docs/CLI.md's table does not", code, class)
		}
	}
	var mu sync.Mutex
	seen := map[int]bool{}
	t.Run("cases", func(t *testing.T) {
		testscript.Run(t, testscript.Params{
			Dir: filepath.Join("testdata", "exitcodes"),
			Setup: func(env *testscript.Env) error {
				env.Setenv("SVCREG_HOME", env.WorkDir+"/home")
				return nil
			},
			Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
				"exits": func(ts *testscript.TestScript, neg bool, args []string) {
					code := runExits(ts, neg, args, table)
					mu.Lock()
					seen[code] = true
					mu.Unlock()
				},
				"holdindex":    holdIndex,
				"blackhole":    blackhole,
				"movedgateway": movedGateway,
			},
		})
	})
	for _, code := range slices.Sorted(maps.Keys(table)) {
		if !seen[code] {
			t.Errorf("exit %d (%q) of docs/CLI.md: no case in testdata/exitcodes exits with it", code, table[code])
		}
	}
}

// docExitCodes parses the table under "## Exit codes" in docs/CLI.md:
// code → class ("" for 0).
func docExitCodes(t *testing.T) map[int]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "docs", "CLI.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\|\\s*(\\d+)\\s*\\|\\s*`?([a-z_]*)`?\\s*\\|")
	table := map[int]string{}
	in := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == "## Exit codes"
		case in:
			if m := row.FindStringSubmatch(line); m != nil {
				code, _ := strconv.Atoi(m[1])
				table[code] = m[2]
			}
		}
	}
	if len(table) < 10 {
		t.Fatalf("docs/CLI.md: found %d rows in the exit-code table", len(table))
	}
	return table
}

// runExits is "exits CODE [-term-on-connect] PROGRAM ARGS…". It runs
// PROGRAM (as exec does; stdout and stderr are kept for the next
// commands) and fails unless it exits with CODE, which must be in the
// table. With -term-on-connect the program gets SIGTERM once it has
// connected to the script's blackhole. It returns CODE.
func runExits(ts *testscript.TestScript, neg bool, args []string, table map[int]string) int {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE [-term-on-connect] PROGRAM ARGS…")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: code %q: %v", args[0], err)
	}
	if _, ok := table[want]; !ok {
		ts.Fatalf("exits %d: not a code of docs/CLI.md's table", want)
	}
	var got int
	if args[1] == "-term-on-connect" {
		got = runTerminated(ts, args[2:])
	} else {
		got = exitCodeOf(ts, ts.Exec(args[1], args[2:]...))
	}
	if got != want {
		ts.Fatalf("%s exited with %d (%s), want %d (%s)", strings.Join(args[1:], " "), got, exitClass(got), want, table[want])
	}
	return want
}

func exitCodeOf(ts *testscript.TestScript, err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	ts.Fatalf("%v", err)
	return -1
}

// runTerminated runs svcreg ARGS… as a process, sends it SIGTERM when the
// script's blackhole has a connection, and returns its exit code.
func runTerminated(ts *testscript.TestScript, args []string) int {
	if len(args) == 0 || args[0] != "svcreg" {
		ts.Fatalf("exits -term-on-connect: only svcreg")
	}
	bh := blackholes.get(ts)
	cmd := exec.Command(os.Args[0], args[1:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = append(os.Environ(), asSvcreg+"=1", "SVCREG_HOME="+ts.Getenv("SVCREG_HOME"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		ts.Fatalf("%v", err)
	}
	select {
	case <-bh:
		cmd.Process.Signal(syscall.SIGTERM)
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		ts.Fatalf("svcreg did not connect to the blackhole within 30 s")
	}
	err := cmd.Wait()
	ts.Logf("%s", out.String())
	if !strings.Contains(out.String(), "svcreg: error: interrupted") {
		ts.Fatalf("no 'svcreg: error: interrupted' line")
	}
	return exitCodeOf(ts, err)
}

// holdIndex is "holdindex": it opens $SVCREG_HOME/index.db for writing
// in the test process and keeps it open until the script ends.
func holdIndex(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: holdindex")
	}
	c, err := bolt.Open(filepath.Join(ts.Getenv("SVCREG_HOME"), indexFile), nil)
	if err != nil {
		ts.Fatalf("%v", err)
	}
	ts.Defer(func() { c.Close() })
}

// blackhole is "blackhole": a TCP listener that accepts connections and
// never answers, at $BLACKHOLE (http://HOST:PORT) and $BLACKHOLE_ADDR,
// until the script ends.
func blackhole(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: blackhole")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.Fatalf("%v", err)
	}
	connected := blackholes.add(ts)
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
			select {
			case connected <- struct{}{}:
			default:
			}
		}
	}()
	ts.Defer(func() {
		ln.Close()
		<-done
		for _, c := range held {
			c.Close()
		}
		blackholes.remove(ts)
	})
	ts.Setenv("BLACKHOLE_ADDR", ln.Addr().String())
	ts.Setenv("BLACKHOLE", fmt.Sprintf("http://%s", ln.Addr()))
}

// blackholes maps each script to the channel its blackhole signals a
// connection on.
var blackholes = &blackholeSet{m: map[*testscript.TestScript]chan struct{}{}}

type blackholeSet struct {
	mu sync.Mutex
	m  map[*testscript.TestScript]chan struct{}
}

func (s *blackholeSet) add(ts *testscript.TestScript) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{}, 1)
	s.m[ts] = ch
	return ch
}

func (s *blackholeSet) get(ts *testscript.TestScript) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.m[ts]
	if !ok {
		ts.Fatalf("no blackhole in this script")
	}
	return ch
}

func (s *blackholeSet) remove(ts *testscript.TestScript) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, ts)
}
