package main

import (
	"os"

	svchome "github.com/svcreg/svcreg/registry/home"
)

// readOnlyEnv, set to 1, makes svcreg treat SVCREG_HOME as read-only even
// where it could write: read commands then work exactly as on a read-only
// mount (and write nothing), commands that change the home fail.
const readOnlyEnv = "SVCREG_READONLY"

// readOnlyHome reports whether the existing directory dir must be used
// without writing: readOnlyEnv is 1, or registry/home finds it read-only.
func readOnlyHome(dir string) bool {
	return os.Getenv(readOnlyEnv) == "1" || svchome.ReadOnlyDir(dir)
}

// writableHome fails with a *svchome.ReadOnlyError when readOnly is set:
// the check of a command that changes a home it has not opened.
func writableHome(dir string, readOnly bool) error {
	if !readOnly {
		return nil
	}
	return &svchome.ReadOnlyError{Dir: dir}
}

// readOnlyHint is the hint of a change asked of a read-only home.
func readOnlyHint(error) string {
	hint := "commands that change a registry need a writable SVCREG_HOME (--home DIR); reading works from a read-only one"
	if os.Getenv(readOnlyEnv) == "1" {
		hint += " (unset " + readOnlyEnv + ")"
	}
	return hint
}
