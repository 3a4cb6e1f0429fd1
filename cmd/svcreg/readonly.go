package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// readOnlyEnv, set to 1, makes svcreg treat SVCREG_HOME as read-only even
// where it could write: read commands then work exactly as on a read-only
// mount (and write nothing), commands that change the home fail.
const readOnlyEnv = "SVCREG_READONLY"

// readOnlyHome reports whether the existing directory dir must be used
// without writing: readOnlyEnv is 1, or dir is not writable (a read-only
// mount, such as a CI cache, or no write permission). access(2) reports a
// read-only file system even to root.
func readOnlyHome(dir string) bool {
	if os.Getenv(readOnlyEnv) == "1" {
		return true
	}
	if _, err := os.Stat(dir); err != nil {
		return false // it will be created, or the open fails with its own error
	}
	return unix.Access(dir, unix.W_OK) != nil
}

// requireWritable fails for a command that changes the home when the home
// is read-only (exit 6).
func (h *home) requireWritable() error { return writableHome(h.dir, h.readOnly) }

// writableHome is requireWritable for a home not opened as *home.
func writableHome(dir string, readOnly bool) error {
	if !readOnly {
		return nil
	}
	return &cliError{err: fmt.Errorf("home %s is read-only", dir), code: exitInput,
		hint: "commands that change a registry need a writable SVCREG_HOME (--home DIR); reading works from a read-only one" + readOnlyEnvHint()}
}

func readOnlyEnvHint() string {
	if os.Getenv(readOnlyEnv) == "1" {
		return " (unset " + readOnlyEnv + ")"
	}
	return ""
}
