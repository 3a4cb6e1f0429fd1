package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
	"github.com/svcreg/svcreg/registry/maint"
	"github.com/svcreg/svcreg/registry/remote"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// Exit codes; docs/CLI.md documents them.
const (
	exitOK        = 0
	exitFailure   = 1 // anything not classified below
	exitUsage     = 2 // bad flags or arguments: names, versions, ranges
	exitNotFound  = 3 // no registry, service, version, tag or match
	exitConflict  = 4 // immutable version republished with other content
	exitIntegrity = 5 // corrupt block, invalid manifest or record, rollback
	exitInput     = 6 // the input path is missing, not a directory or unreadable
	exitLocked    = 7 // another svcreg process holds the index
	exitNetwork   = 8 // no gateway or node answered (or --offline) and nothing usable is cached
	exitCanceled  = 130

	// The lockfile commands (check, install, lock, update, verify).
	exitLockMissing   = 10 // svcreg.lock does not exist
	exitLockStale     = 11 // svcreg.lock is out of date with svcreg.json, or unreadable
	exitLockMismatch  = 12 // svcreg.lock disagrees with the registry's signed manifest
	exitLockYanked    = 13 // a locked version is yanked (check --strict)
	exitContent       = 14 // locked content is missing from the block store or corrupt
	exitUnverifiable  = 15 // no copy of the registry to check against
	exitVerifyDiffers = 16 // verify: the directory does not rebuild to the release's CID
	exitUnsafeTree    = 17 // publish, verify: the directory holds a svcreg home or key file
	exitLockTampered  = 18 // svcreg.lock was edited by hand: its seq is not its root's
)

// exitClasses names each exit code. With --json a failure carries the name
// as "class", so that scripts need not match the prose; docs/CLI.md lists
// them. Every exit code above has one.
var exitClasses = map[int]string{
	exitFailure:       "failure",
	exitUsage:         "usage",
	exitNotFound:      "not_found",
	exitConflict:      "conflict",
	exitIntegrity:     "integrity",
	exitInput:         "input",
	exitLocked:        "locked",
	exitNetwork:       "network",
	exitLockMissing:   "lock_missing",
	exitLockStale:     "lock_stale",
	exitLockMismatch:  "lock_mismatch",
	exitLockYanked:    "yanked",
	exitContent:       "content",
	exitUnverifiable:  "unverifiable",
	exitVerifyDiffers: "differs",
	exitUnsafeTree:    "unsafe_tree",
	exitLockTampered:  "lock_tampered",
	exitCanceled:      "interrupted",
}

// exitClass returns the class name of an exit code ("failure" for a code
// without one).
func exitClass(code int) string {
	if c, ok := exitClasses[code]; ok {
		return c
	}
	return exitClasses[exitFailure]
}

// cliError carries an exit code and a hint to the edge.
type cliError struct {
	err  error
	code int
	hint string
}

func (e *cliError) Error() string { return e.err.Error() }
func (e *cliError) Unwrap() error { return e.err }

// errInterrupted replaces the error of a command stopped by SIGINT or
// SIGTERM, whose own message ("read f.bin: context canceled") says less.
var errInterrupted = &cliError{err: errors.New("interrupted"), code: exitCanceled}

func usageErr(err error, hint string) error { return &cliError{err: err, code: exitUsage, hint: hint} }

func withHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &cliError{err: err, code: classify(err), hint: hint}
}

// withFallbackHint gives a usage error that has no hint of its own the
// --help of its command as the hint: every usage error has one.
func withFallbackHint(err error, cmdPath string) error {
	if err == nil {
		return nil
	}
	if f := explain(err); f.code != exitUsage || f.hint != "" {
		return err
	}
	return &cliError{err: err, code: exitUsage, hint: helpHintFor(cmdPath)}
}

// errorOut is the JSON a failing command writes on stdout with --json.
type errorOut struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    int    `json:"code"`
	Class   string `json:"class"`
	Message string `json:"message"`
	Hint    string `json:"hint"`
}

// failure is how a command failed, as report prints it.
type failure struct {
	code          int
	message, hint string
}

// explain decides the exit code, the one-line message and the hint of err.
func explain(err error) failure {
	code, hint := classify(err), hintFor(err)
	var ce *cliError
	if errors.As(err, &ce) {
		code = ce.code
		if ce.hint != "" {
			hint = ce.hint
		}
	}
	return failure{code: code, message: oneLine(err.Error()), hint: oneLine(hint)}
}

// report prints err as one "svcreg: error:" line plus an optional
// "svcreg: hint:" line on stderr and returns the exit code. With asJSON it
// also writes {"error": {code, class, message, hint}} on stdout, unless the
// command already wrote its own JSON report there (check, verify).
func report(stdout, stderr io.Writer, err error, asJSON bool) int {
	if err == nil {
		return exitOK
	}
	f := explain(err)
	fmt.Fprintf(stderr, "svcreg: error: %s\n", escapeControls(f.message))
	if f.hint != "" {
		fmt.Fprintf(stderr, "svcreg: hint: %s\n", escapeControls(f.hint))
	}
	if cw, ok := stdout.(*countingWriter); asJSON && (!ok || cw.n == 0) {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(errorOut{errorBody{Code: f.code, Class: exitClass(f.code), Message: f.message, Hint: f.hint}})
	}
	return f.code
}

func classify(err error) int {
	var ee cli.ExitCoder
	switch {
	case errors.Is(err, context.Canceled):
		return exitCanceled
	case errors.Is(err, registry.ErrLockMismatch):
		return exitLockMismatch
	case errors.Is(err, registry.ErrUnverifiable): // may wrap a network error too
		return exitUnverifiable
	case errors.Is(err, manifest.ErrInvalidLock):
		return exitLockStale
	case isAny(err, registry.ErrUnavailable, registry.ErrOffline, registry.ErrUnreachable):
		return exitNetwork
	case errors.Is(err, unixfs.ErrUnsafeTree):
		return exitUnsafeTree
	case isAny(err, manifest.ErrInvalidProject, errInvalidConfig):
		return exitUsage
	case isAny(err, manifest.ErrInvalidName, manifest.ErrInvalidVersion, manifest.ErrInvalidRange,
		manifest.ErrInvalidSpec, manifest.ErrInvalidTag, unixfs.ErrUnknownProfile, ipns.ErrInvalidName,
		unixfs.ErrInvalidPattern):
		return exitUsage
	case isAny(err, registry.ErrNoHead, registry.ErrServiceNotFound, manifest.ErrVersionNotFound,
		manifest.ErrTagNotFound, manifest.ErrNoMatch, manifest.ErrYanked, errNoKey,
		registry.ErrRecordNotFound, errRemoteNotFound, errReplicaNotFound):
		return exitNotFound
	case isAny(err, manifest.ErrImmutable, ipns.ErrKeyExists, errRemoteExists, errKuboAhead):
		return exitConflict
	case isAny(err, registry.ErrCorruptBlock, registry.ErrBlockNotFound, manifest.ErrInvalidManifest,
		manifest.ErrNotCanonical, manifest.ErrCIDMismatch, manifest.ErrBlockTooLarge, registry.ErrRollback,
		ipns.ErrInvalidRecord, ipns.ErrExpiredRecord, bolt.ErrCorruptIndex,
		unixfs.ErrUnsafeSymlink, unixfs.ErrUnsafeName, unixfs.ErrSizeMismatch, unixfs.ErrTooLarge, car.ErrInvalidCAR,
		remote.ErrInvalidData, maint.ErrProblems):
		return exitIntegrity
	case isAny(err, fs.ErrNotExist, fs.ErrPermission, syscall.ENOTDIR, syscall.EISDIR, unixfs.ErrNotDirectory, unixfs.ErrSpecialFile, atomicfile.ErrIsDir):
		return exitInput
	case errors.Is(err, bolt.ErrLocked):
		return exitLocked
	case errors.As(err, &ee):
		return exitUsage // urfave/cli's own flag and argument errors
	case errors.As(err, new(*net.AddrError)):
		return exitUsage // an address that does not parse (serve --listen)
	}
	if strings.HasPrefix(err.Error(), "flag provided but not defined") || strings.HasPrefix(err.Error(), "invalid value") {
		return exitUsage
	}
	return exitFailure
}

func hintFor(err error) string {
	var pe *maint.ProblemsError
	switch {
	case errors.As(err, &pe):
		return fsckHint(pe)
	case errors.As(err, new(*maint.IndexError)):
		return "gc never runs on a damaged index: run 'svcreg fsck --repair'"
	case errors.As(err, new(*maint.ReachError)):
		return "gc removes nothing while a reachable block is damaged: run 'svcreg fsck --repair'"
	case errors.Is(err, registry.ErrNoHead), errors.Is(err, errNoKey):
		return "run 'svcreg init' to create a registry here, follow one with --registry k51… --gateway URL (or 'svcreg remote add'), or pass --home DIR"
	case errors.Is(err, registry.ErrRollback):
		return "a gateway served an older state of the registry than this home has seen: it is stale or lying; try another gateway, or answer from the cache with --offline"
	case errors.Is(err, registry.ErrNoGateway):
		return "add one with 'svcreg remote add NAME K51… --gateway URL' (the registry's name and a gateway that has it), or pass --gateway URL"
	case errors.Is(err, registry.ErrOffline):
		return "run without --offline to fetch it from the gateways"
	case isAny(err, registry.ErrUnavailable, registry.ErrUnreachable):
		return "check the gateway or node URL and the network; --timeout sets how long to wait, --offline answers from the cache"
	case errors.Is(err, ipns.ErrExpiredRecord):
		return "the registry's signed record has expired: its publisher signs a new one with any change (and svcreg push); --offline answers from the cache"
	case errors.Is(err, registry.ErrRecordNotFound):
		return "check the registry name; a gateway has the record once the registry is pushed to an IPFS node (svcreg push)"
	case errors.Is(err, errInvalidConfig):
		return "fix or remove config.json in SVCREG_HOME; 'svcreg remote add' rewrites it"
	case errors.Is(err, registry.ErrServiceNotFound):
		return "run 'svcreg ls' to see the services"
	case errors.Is(err, manifest.ErrYanked):
		return "a tag never resolves to a yanked version: name the version exactly, or move the tag with 'svcreg tag NAME@VERSION TAG'"
	case isAny(err, manifest.ErrVersionNotFound, manifest.ErrNoMatch, manifest.ErrTagNotFound):
		return "run 'svcreg ls NAME' to see its versions and tags"
	case errors.Is(err, manifest.ErrImmutable):
		return "a published version never changes: publish a new version instead"
	case errors.Is(err, bolt.ErrCorruptIndex):
		return "the index (index.db) is damaged or missing: run 'svcreg fsck --repair' to rebuild it from the blocks and the signed records kept beside them"
	case errors.As(err, new(*ipnsname.HomePermissionError)):
		return homePermissionHint(err)
	case isAny(err, registry.ErrUnsafeContent, unixfs.ErrUnsafeSymlink, unixfs.ErrUnsafeName):
		return unsafeContentHint
	case errors.Is(err, unixfs.ErrTooLarge):
		return limitHint
	case errors.Is(err, registry.ErrBlockNotFound):
		return "blocks are missing from SVCREG_HOME: 'svcreg fsck' lists them, 'svcreg fsck --repair --gateway URL' fetches them"
	case errors.Is(err, registry.ErrCorruptBlock):
		return "the local block store is damaged and no gateway gave a good copy: run 'svcreg fsck --repair' (with --gateway URL to fetch good copies), or restore SVCREG_HOME from a backup"
	case errors.Is(err, bolt.ErrLocked):
		return "another svcreg process is using this registry; wait for it or check for a stuck process"
	case isAny(err, manifest.ErrInvalidSpec, manifest.ErrInvalidRange):
		return "write NAME, NAME@VERSION, NAME@RANGE (^1.2, ~1.2.3, 1.x, '>=1 <2') or NAME@TAG"
	case errors.Is(err, manifest.ErrInvalidName):
		return "names use lowercase a-z 0-9 - . _ and start with a letter, digit or _"
	case errors.Is(err, manifest.ErrInvalidVersion):
		return "versions are SemVer 2.0.0, e.g. 1.0.0 or 1.1.0-beta.1"
	case errors.Is(err, manifest.ErrInvalidTag):
		return "tags follow the name rules and must not read as a version or a range, e.g. beta or stable"
	case errors.Is(err, unixfs.ErrUnknownProfile):
		return "profiles are unixfs-v1-2025 (the default) and unixfs-v0-2015"
	case errors.Is(err, ipns.ErrInvalidName):
		return "a registry name is a k51… IPNS name, as 'svcreg name' prints it"
	case errors.Is(err, unixfs.ErrUnsafeTree):
		return unsafeTreeHint(err)
	case errors.Is(err, unixfs.ErrInvalidPattern):
		return "patterns use gitignore syntax: NAME, /PATH, DIR/, *.log, **/cache, !KEEP"
	case errors.Is(err, unixfs.ErrNotDirectory):
		return "publish takes a directory: svcreg publish NAME@VERSION DIR"
	case errors.Is(err, atomicfile.ErrIsDir):
		return "name a file to write, not a directory (-o DIR/FILE), or - for standard output"
	case errors.Is(err, fs.ErrNotExist):
		return "check the path"
	case errors.Is(err, syscall.ENOTDIR):
		return "a file stands where the path needs a directory: check the path"
	case errors.Is(err, syscall.EISDIR):
		return "a directory stands where the path needs a file: check the path"
	case errors.Is(err, fs.ErrPermission):
		return "check the permissions of the path and the directories above it"
	case errors.Is(err, car.ErrInvalidCAR):
		return "import takes a CAR file written by 'svcreg export' (or 'ipfs dag export')"
	case errors.Is(err, ipns.ErrInvalidKey):
		return "the home's key file is not a registry key: put it back with 'svcreg key import FILE' (from 'svcreg key export' or a backup)"
	case errors.As(err, new(*net.AddrError)):
		return "addresses are HOST:PORT, e.g. 127.0.0.1:8080 (port 0: any free port)"
	case errors.Is(err, syscall.EADDRINUSE):
		return "another program listens on that address: pick another, or port 0 for any free one"
	}
	return ""
}

// unsafeContentHint is the hint for a release that holds entries svcreg
// never writes out.
const unsafeContentHint = "the release holds a symlink (or name) that could point outside its directory, which svcreg never writes; " +
	"its publisher must publish a fixed version"

// fsckHint is the hint of a fsck that left problems.
func fsckHint(pe *maint.ProblemsError) string {
	switch {
	case pe.Unreachable:
		return "the missing blocks could not be fetched: check the gateways (svcreg remote ls, --gateway URL)"
	case pe.Repaired:
		return "what is left could not be repaired here: fetch it with --gateway URL, or restore SVCREG_HOME from a backup"
	}
	return "run 'svcreg fsck --repair'"
}

// homePermissionHint says how to close a home that others may write.
func homePermissionHint(err error) string {
	var pe *ipnsname.HomePermissionError
	errors.As(err, &pe)
	return fmt.Sprintf("whoever may write there can make svcreg's index lie; if only you should, run: chmod go-w %s", pe.Path)
}

func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// unsafeTreeHint says how to publish a directory that holds a svcreg home
// or key file without them.
func unsafeTreeHint(err error) string {
	var ue *unixfs.UnsafeTreeError
	if !errors.As(err, &ue) || len(ue.Entries) == 0 {
		return ""
	}
	p := ue.Entries[0].Path
	if p == "." {
		return "this directory is a svcreg home: publish the directory of the service instead"
	}
	pattern := "/" + p
	if ue.Entries[0].Kind != unixfs.UnsafeKey {
		pattern += "/"
	}
	return fmt.Sprintf("move %s out of the directory, or leave it out with --exclude '%s' (or that line in %s at the directory's root)", p, pattern, unixfs.IgnoreFile)
}
