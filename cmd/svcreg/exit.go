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
	"github.com/svcreg/svcreg/internal/cliapp"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/follow"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
	"github.com/svcreg/svcreg/registry/maint"
	"github.com/svcreg/svcreg/registry/project"
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
	exitUntrusted     = 19 // a manifest fails the registry's trust root: publish signatures, root chain, downgrade
	exitRootDiverged  = 20 // the registry's trust root does not descend from the one svcreg.lock records or svcreg.json pins
	exitMoved         = 21 // the registry moved to a new name, verified from the trusted root: 'svcreg lock' follows it
)

// exitClasses names each exit code. With --json a failure carries the name
// as "class", so that scripts need not match the prose; docs/CLI.md lists
// them. Every exit code above has one.
var exitClasses = map[int]string{
	exitFailure: "failure", exitUsage: "usage", exitNotFound: "not_found", exitConflict: "conflict",
	exitIntegrity: "integrity", exitInput: "input", exitLocked: "locked", exitNetwork: "network",
	exitLockMissing: "lock_missing", exitLockStale: "lock_stale", exitLockMismatch: "lock_mismatch",
	exitLockYanked: "yanked", exitContent: "content", exitUnverifiable: "unverifiable",
	exitVerifyDiffers: "differs", exitUnsafeTree: "unsafe_tree", exitLockTampered: "lock_tampered",
	exitUntrusted: "untrusted", exitRootDiverged: "root_diverged", exitMoved: "moved",
	exitCanceled: "interrupted",
}

// outcomeExit is the exit code of each outcome of a lock check (check,
// install).
var outcomeExit = map[project.Outcome]int{
	project.OK:           exitOK,
	project.Missing:      exitLockMissing,
	project.Diverged:     exitRootDiverged,
	project.Mismatch:     exitLockMismatch,
	project.Tampered:     exitLockTampered,
	project.Content:      exitContent,
	project.Stale:        exitLockStale,
	project.Yanked:       exitLockYanked,
	project.Unverifiable: exitUnverifiable,
}

// checkExit returns the exit code for a check's findings.
func checkExit(findings []registry.Finding) int { return outcomeExit[project.Classify(findings)] }

// exitClass returns the class name of an exit code ("failure" for a code
// without one).
func exitClass(code int) string {
	if c, ok := exitClasses[code]; ok {
		return c
	}
	return exitClasses[exitFailure]
}

// A rule gives the errors it matches an exit code, a hint, or both. The
// exit code of an error is that of the first rule in errorRules that
// matches it and has a code (exitFailure when none does); its hint is
// likewise that of the first matching rule with a hint. So a rule with
// only a hint (a wrapper such as *maint.IndexError) leaves the code to
// what the error wraps, and one with only a code leaves the hint.
type rule struct {
	match func(error) bool
	code  int
	hint  string
	hintf func(error) string // a hint built from the error, in place of hint
}

// is matches any of targets with errors.Is.
func is(targets ...error) func(error) bool {
	return func(err error) bool { return isAny(err, targets...) }
}

// as matches an error of type T with errors.As.
func as[T error]() func(error) bool {
	return func(err error) bool { var t T; return errors.As(err, &t) }
}

// hintOf builds a hint from the error of type T the error holds.
func hintOf[T error](f func(T) string) func(error) string {
	return func(err error) string {
		var t T
		if !errors.As(err, &t) {
			return ""
		}
		return f(t)
	}
}

// errorRules is the one table of exit codes and hints, in the order they
// are tried. The library's errors carry no CLI words; this table does.
var errorRules = []rule{
	{match: as[*cliapp.UsageError](), code: exitUsage, hintf: hintOf(func(e *cliapp.UsageError) string { return e.Hint })},
	// wrappers whose hint says what the command could not do
	{match: as[*maint.ProblemsError](), hintf: hintOf(fsckHint)},
	{match: as[*maint.IndexError](), hint: "gc never runs on a damaged index: run 'svcreg fsck --repair'"},
	{match: as[*maint.ReachError](), hint: "gc removes nothing while a reachable block is damaged: run 'svcreg fsck --repair'"},
	{match: as[*car.UnwritableError](),
		hint: "a release of this state would not be written by get: the head was not adopted (its blocks are stored; 'svcreg gc' removes them)"},
	{match: as[*manifest.RegistryError](), hint: "\"registry\" is the registry's IPNS name (k51…), which 'svcreg name' prints"},

	{match: is(context.Canceled), code: exitCanceled},
	{match: is(follow.ErrWillNotSign), code: exitUntrusted,
		hint: "the head here lacks the publish signatures its root requires: no record is signed for it (publish the change again with --key)"},
	{match: is(registry.ErrRootDiverged), code: exitRootDiverged, hint: rootDivergedHint(projectFile, lockFile, "svcreg lock")},
	{match: is(registry.ErrMoved), code: exitMoved, hintf: hintOf(movedHint)},
	{match: is(registry.ErrBurnt), code: exitUntrusted, hint: burntHint},
	{match: is(registry.ErrNotListed), code: exitUntrusted,
		hint: "sign with one of the publish keys the registry's root lists; the change file is unchanged"},
	{match: is(registry.ErrStaleProposal), code: exitConflict,
		hint: "stale proposal: the registry changed since it was proposed; propose again (--propose -o FILE) and sign the new file"},
	{match: is(registry.ErrNoRoot), code: exitUsage,
		hint: "a plain registry has no root: give it one with 'svcreg root init' (rotating, --propose, sign and submit need one)"},
	{match: is(svchome.ErrNotMoveFile), code: exitUsage, hint: "use the file 'svcreg move -o FILE' wrote"},
	{match: is(svchome.ErrNotRegularFile), code: exitInput, hint: "sign rewrites the change file: copy it to a regular file first"},
	{match: is(registry.ErrUntrusted), code: exitUntrusted,
		hint: "the registry's manifest is not signed as its root requires (a stolen IPNS key, a hostile gateway, or a wrong --key): the head here did not move"},
	{match: is(registry.ErrNoPublishKey), code: exitUsage,
		hint: "this registry has a root: pass its publish key with --key PUBLISH.key (or SVCREG_PUBLISH_KEY)"},
	{match: is(svchome.ErrNotPublishKey), code: exitUsage},
	{match: is(svchome.ErrEmptyPassphrase), code: exitUsage,
		hint: "write the passphrase into the file (one line), or leave out --passphrase-file and " + passphraseEnv + " for a key file without one"},
	{match: is(svchome.ErrPassphraseFileMode), code: exitUsage,
		hintf: hintOf(func(e *svchome.PassphraseFileError) string { return "run: chmod 600 " + e.Path })},
	{match: is(svchome.ErrPassphraseFileTooLarge), code: exitUsage, hint: "name the file that holds the passphrase"},
	{match: is(svchome.ErrPassphraseRequired), code: exitUsage,
		hint: "the key file is encrypted: pass --passphrase-file FILE (or set " + passphraseEnv + "), a file of mode 0600 that holds its passphrase"},
	{match: is(svchome.ErrBadPassphrase), code: exitUsage,
		hint: "check the passphrase file: its content is the passphrase, less one trailing newline"},
	{match: is(svchome.ErrInvalidEncryptedKey), code: exitUsage,
		hint: "the key file is damaged, or encrypted to an age key rather than a passphrase: restore it from a backup"},
	{match: is(registry.ErrHasRoot), code: exitUsage, hint: "change the root with 'svcreg root rotate'"},
	{match: is(svchome.ErrKeyToTerminal), code: exitUsage,
		hint: "redirect it to a file or a program (svcreg key export -o - > FILE), or pass --force"},
	{match: is(registry.ErrBadThreshold), code: exitUsage, hint: "write --threshold root=2 or --threshold publish=1"},
	{match: is(registry.ErrRootChange), code: exitUsage,
		hint: "each role (root, publish) keeps at least one key and a threshold from 1 to its number of keys: --threshold ROLE=N"},
	{match: is(registry.ErrNotRootKey), code: exitUsage, hint: "sign with a root key (root.key) of the new root or of the one before it"},
	{match: is(svchome.ErrNotPublicKey), code: exitUsage, hint: "name a public key file (.pub, 64 hex digits), as 'svcreg init --roles DIR' writes them"},
	{match: is(trust.ErrInvalid, trust.ErrTooLarge), code: exitIntegrity},
	{match: is(registry.ErrLockMismatch), code: exitLockMismatch},
	{match: is(registry.ErrUnverifiable), code: exitUnverifiable}, // may wrap a network error too
	{match: is(manifest.ErrInvalidLock), code: exitLockStale},

	{match: is(registry.ErrNoGateway), code: exitNetwork,
		hint: "add one with 'svcreg remote add NAME K51… --gateway URL' (the registry's name and a gateway that has it), or pass --gateway URL"},
	{match: is(registry.ErrOffline), code: exitNetwork, hint: "run without --offline to fetch it from the gateways"},
	{match: is(registry.ErrUnavailable, registry.ErrUnreachable), code: exitNetwork,
		hint: "check the gateway or node URL and the network; --timeout sets how long to wait, --offline answers from the cache"},

	{match: is(unixfs.ErrUnsafeTree), code: exitUnsafeTree, hintf: hintOf(unsafeTreeHint)},

	{match: is(manifest.ErrInvalidProject), code: exitUsage},
	{match: is(svchome.ErrInvalidConfig), code: exitUsage, hint: "fix or remove config.json in SVCREG_HOME; 'svcreg remote add' rewrites it"},
	{match: is(manifest.ErrInvalidSpec, manifest.ErrInvalidRange), code: exitUsage,
		hint: "write NAME, NAME@VERSION, NAME@RANGE (^1.2, ~1.2.3, 1.x, '>=1 <2') or NAME@TAG"},
	{match: is(manifest.ErrInvalidName), code: exitUsage, hint: "names use lowercase a-z 0-9 - . _ and start with a letter, digit or _"},
	{match: is(manifest.ErrInvalidVersion), code: exitUsage, hint: "versions are SemVer 2.0.0, e.g. 1.0.0 or 1.1.0-beta.1"},
	{match: is(manifest.ErrLatestTag), hint: "latest moves by itself: publish a higher stable version, or yank the one it names to move it back"},
	{match: is(manifest.ErrInvalidTag), code: exitUsage,
		hint: "tags follow the name rules and must not read as a version or a range, e.g. beta or stable"},
	{match: is(unixfs.ErrUnknownProfile), code: exitUsage, hint: "profiles are unixfs-v1-2025 (the default) and unixfs-v0-2015"},
	{match: is(ipns.ErrInvalidName), code: exitUsage, hint: "a registry name is a k51… IPNS name, as 'svcreg name' prints it"},
	{match: is(unixfs.ErrInvalidPattern), code: exitUsage, hint: "patterns use gitignore syntax: NAME, /PATH, DIR/, *.log, **/cache, !KEEP"},

	{match: is(registry.ErrNoHead, svchome.ErrNoKey), code: exitNotFound,
		hint: "run 'svcreg init' to create a registry here, follow one with --registry k51… --gateway URL (or 'svcreg remote add'), or pass --home DIR"},
	{match: is(registry.ErrServiceNotFound), code: exitNotFound, hint: "run 'svcreg ls' to see the services"},
	{match: is(manifest.ErrYanked), code: exitNotFound,
		hint: "a tag never resolves to a yanked version: name the version exactly, or move the tag with 'svcreg tag NAME@VERSION TAG'"},
	{match: is(manifest.ErrVersionNotFound, manifest.ErrNoMatch, manifest.ErrTagNotFound), code: exitNotFound,
		hint: "run 'svcreg ls NAME' to see its versions and tags"},
	{match: is(registry.ErrRecordNotFound), code: exitNotFound,
		hint: "check the registry name; a gateway has the record once the registry is pushed to an IPFS node (svcreg push)"},
	{match: is(svchome.ErrRemoteNotFound), code: exitNotFound, hint: "run 'svcreg remote ls' to see the remotes"},
	{match: is(svchome.ErrReplicaNotFound), code: exitNotFound, hint: "run 'svcreg replica ls' to see the replicas"},

	{match: is(manifest.ErrImmutable), code: exitConflict, hint: "a published version never changes: publish a new version instead"},
	{match: is(ipns.ErrKeyExists, svchome.ErrRemoteExists, follow.ErrNodeAhead), code: exitConflict},
	{match: as[*svchome.RemoteExistsError](), hintf: hintOf(func(e *svchome.RemoteExistsError) string { return "run 'svcreg remote rm " + e.Name + "' first" })},

	{match: is(registry.ErrRollback), code: exitIntegrity,
		hint: "a gateway served an older state of the registry than this home has seen: it is stale or lying; try another gateway, or answer from the cache with --offline"},
	{match: is(ipns.ErrExpiredRecord), code: exitIntegrity,
		hint: "the registry's signed record has expired: its publisher signs a new one with any change (and svcreg push); --offline answers from the cache"},
	{match: is(bolt.ErrCorruptIndex), code: exitIntegrity,
		hint: "the index (index.db) is damaged or missing: run 'svcreg fsck --repair' to rebuild it from the blocks and the signed records kept beside them"},
	{match: is(unixfs.ErrUnsafeSymlink, unixfs.ErrUnsafeName), code: exitIntegrity, hint: unsafeContentHint},
	{match: is(registry.ErrUnsafeContent), hint: unsafeContentHint},
	{match: is(unixfs.ErrTooLarge), code: exitIntegrity, hint: limitHint},
	{match: is(registry.ErrBlockNotFound), code: exitIntegrity,
		hint: "blocks are missing from SVCREG_HOME: 'svcreg fsck' lists them, 'svcreg fsck --repair --gateway URL' fetches them"},
	{match: is(registry.ErrCorruptBlock), code: exitIntegrity,
		hint: "the local block store is damaged and no gateway gave a good copy: run 'svcreg fsck --repair' (with --gateway URL to fetch good copies), or restore SVCREG_HOME from a backup"},
	{match: is(car.ErrInvalidCAR), code: exitIntegrity, hint: "import takes a CAR file written by 'svcreg export' (or 'ipfs dag export')"},
	{match: is(manifest.ErrInvalidManifest, manifest.ErrNotCanonical, manifest.ErrCIDMismatch, manifest.ErrBlockTooLarge,
		ipns.ErrInvalidRecord, unixfs.ErrSizeMismatch, remote.ErrInvalidData, maint.ErrProblems), code: exitIntegrity},

	{match: as[*ipnsname.HomePermissionError](), hintf: hintOf(func(e *ipnsname.HomePermissionError) string {
		return "whoever may write there can make svcreg's index lie; if only you should, run: chmod go-w " + e.Path
	})},
	{match: is(svchome.ErrReadOnly), code: exitInput, hintf: readOnlyHint},
	{match: is(unixfs.ErrNotDirectory), code: exitInput, hint: "publish takes a directory: svcreg publish NAME@VERSION DIR"},
	{match: is(atomicfile.ErrIsDir), code: exitInput, hint: "name a file to write, not a directory (-o DIR/FILE), or - for standard output"},
	{match: is(fs.ErrNotExist), code: exitInput, hint: "check the path"},
	{match: is(syscall.ENOTDIR), code: exitInput, hint: "a file stands where the path needs a directory: check the path"},
	{match: is(syscall.EISDIR), code: exitInput, hint: "a directory stands where the path needs a file: check the path"},
	{match: is(fs.ErrPermission), code: exitInput, hint: "check the permissions of the path and the directories above it"},
	{match: is(unixfs.ErrSpecialFile), code: exitInput},

	{match: is(bolt.ErrLocked), code: exitLocked, hint: "another svcreg process is using this registry; wait for it or check for a stuck process"},
	{match: is(ipns.ErrInvalidKey),
		hint: "the home's key file is not a registry key: put it back with 'svcreg key import FILE' (from 'svcreg key export' or a backup)"},
	{match: as[cli.ExitCoder](), code: exitUsage}, // urfave/cli's own flag and argument errors
	{match: as[*net.AddrError](), code: exitUsage, hint: "addresses are HOST:PORT, e.g. 127.0.0.1:8080 (port 0: any free port)"},
	{match: is(syscall.EADDRINUSE), hint: "another program listens on that address: pick another, or port 0 for any free one"},
	{match: func(err error) bool {
		return strings.HasPrefix(err.Error(), "flag provided but not defined") || strings.HasPrefix(err.Error(), "invalid value")
	}, code: exitUsage},
}

// unsafeContentHint is the hint for a release that holds entries svcreg
// never writes out.
const unsafeContentHint = "the release holds a symlink (or name) that could point outside its directory, which svcreg never writes; " +
	"its publisher must publish a fixed version"

// rootDivergedHint is the hint for a registry whose trust root does not
// descend from the one the lock file records or the project file pins;
// lockCmd is the command that writes the lock.
func rootDivergedHint(project, lock, lockCmd string) string {
	return "the registry's root is not the one this project trusts (a taken-over name, a hostile gateway, or an owner who replaced the root): " +
		"ask its owner out of band; only if they replaced it, set \"root\" in " + project + " to the new root, delete " + lock + " and run '" + lockCmd + "'"
}

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

// unsafeTreeHint says how to publish a directory that holds a svcreg home
// or key file without them.
func unsafeTreeHint(ue *unixfs.UnsafeTreeError) string {
	if len(ue.Entries) == 0 {
		return ""
	}
	p := ue.Entries[0].Path
	if p == "." {
		return "this directory is a svcreg home: publish the directory of the service instead"
	}
	return fmt.Sprintf("move %s out of the directory, or leave it out with --exclude '%s' (or that line in %s at the directory's root)", p, ue.Entries[0].Exclude(), unixfs.IgnoreFile)
}

// classify returns the exit code errorRules give err.
func classify(err error) int {
	for _, r := range errorRules {
		if r.code != 0 && r.match(err) {
			return r.code
		}
	}
	return exitFailure
}

// hintFor returns the hint errorRules give err, or "".
func hintFor(err error) string {
	for _, r := range errorRules {
		if (r.hint != "" || r.hintf != nil) && r.match(err) {
			if r.hintf != nil {
				return r.hintf(err)
			}
			return r.hint
		}
	}
	return ""
}

func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// cliError carries an exit code and a hint to the edge, for a failure
// that only the command knows how to word.
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
// hint given, where the --help of its command is (cliapp.HintFor): every
// usage error has one.
func withFallbackHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	if f := explain(err); f.code != exitUsage || f.hint != "" {
		return err
	}
	return &cliError{err: err, code: exitUsage, hint: hint}
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

// errorOut is the JSON a failing command writes on stdout with --json.
type errorOut struct {
	Error struct {
		Code    int    `json:"code"`
		Class   string `json:"class"`
		Message string `json:"message"`
		Hint    string `json:"hint"`
	} `json:"error"`
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
		var out errorOut
		out.Error.Code, out.Error.Class, out.Error.Message, out.Error.Hint = f.code, exitClass(f.code), f.message, f.hint
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
	}
	return f.code
}

// countingWriter counts what was written through it, so that report knows
// whether a command already wrote its output.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Fd is the file descriptor of the writer it wraps when that has one (an
// *os.File), so that a check for a terminal (home.WriteKey's) sees
// through it; else ^uintptr(0), as os.File.Fd returns for no file.
func (c *countingWriter) Fd() uintptr {
	if f, ok := c.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}
