package main

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	svchome "github.com/svcreg/svcreg/registry/home"
)

// passphraseEnv names the passphrase file when --passphrase-file is not
// given.
const passphraseEnv = "SVCREG_PASSPHRASE_FILE"

// maxPassphraseFile bounds how much of a passphrase file is read.
const maxPassphraseFile = 64 << 10

// loadPublishKey reads the publish key that --key names; nil when the
// flag is empty. An encrypted key file is decrypted with the passphrase
// of --passphrase-file (readPassphrase).
func loadPublishKey(c *cli.Context) (registry.PublishKey, error) {
	if c.String("key") == "" {
		return nil, nil
	}
	pass, err := readPassphrase(c)
	if err != nil {
		return nil, err
	}
	return svchome.LoadPublishKey(c.String("key"), pass)
}

// loadRoleKey reads the root or publish key file at path for a command,
// decrypting it with the passphrase of --passphrase-file.
func loadRoleKey(c *cli.Context, path string) (ed25519.PrivateKey, error) {
	pass, err := readPassphrase(c)
	if err != nil {
		return nil, err
	}
	return svchome.LoadRoleKey(path, pass)
}

// passphrasePath returns the passphrase file that --passphrase-file or,
// without it, $SVCREG_PASSPHRASE_FILE names; "" when neither does.
func passphrasePath(c *cli.Context) string {
	if c != nil && c.String("passphrase-file") != "" {
		return c.String("passphrase-file")
	}
	return os.Getenv(passphraseEnv)
}

// readPassphrase returns the passphrase in the file passphrasePath names,
// nil when none is named. A passphrase never comes from the command line,
// where other users see it. The file is refused, as key files are, when
// its group or others may read it; one trailing newline ("\n" or "\r\n")
// is not part of the passphrase, and an empty passphrase is refused.
func readPassphrase(c *cli.Context) ([]byte, error) {
	path := passphrasePath(c)
	if path == "" {
		return nil, nil
	}
	b, err := readSecretFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return nil, usageErr(fmt.Errorf("passphrase file %s is empty", path),
			"write the passphrase into the file (one line), or leave out --passphrase-file and "+passphraseEnv+" for a key file without one")
	}
	return b, nil
}

// readSecretFile reads the passphrase file at path: a regular file or a
// pipe (such as bash's <(command)) that only its owner may read.
func readSecretFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err // path once, in the message below
	}
	if err != nil {
		return nil, fmt.Errorf("read passphrase file %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read passphrase file %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("read passphrase file %s: %w", path, syscall.EISDIR)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, usageErr(fmt.Errorf("passphrase file %s is accessible by group or others (mode %04o)", path, perm),
			"run: chmod 600 "+path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPassphraseFile+1))
	if err != nil {
		return nil, fmt.Errorf("read passphrase file %s: %w", path, err)
	}
	if len(b) > maxPassphraseFile {
		return nil, usageErr(fmt.Errorf("passphrase file %s is larger than %d bytes", path, maxPassphraseFile), "name the file that holds the passphrase")
	}
	return b, nil
}
