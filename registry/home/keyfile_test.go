package home_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
)

var pass = []byte("correct horse battery staple")

// mustRoleKey writes a new role key file in a temporary directory and
// returns its path and public key.
func mustRoleKey(t testing.TB, passphrase []byte) (string, ed25519.PublicKey) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "publish.key")
	pub, err := home.NewRoleKey(path, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	return path, pub
}

func TestRoleKeyRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name       string
		passphrase []byte
	}{{"plain", nil}, {"encrypted", pass}} {
		t.Run(tc.name, func(t *testing.T) {
			path, pub := mustRoleKey(t, tc.passphrase)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := home.Encrypted(b); got != (tc.passphrase != nil) {
				t.Errorf("Encrypted = %v", got)
			}
			if tc.passphrase != nil && bytes.Contains(b, pub) {
				t.Error("the encrypted file holds the public key in clear")
			}
			for p, mode := range map[string]os.FileMode{path: 0o600, path + home.PubSuffix: 0o644} {
				if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != mode {
					t.Errorf("%s: %v, mode %v, want %v", p, err, fi.Mode().Perm(), mode)
				}
			}
			hexPub, _ := os.ReadFile(path + home.PubSuffix)
			if string(hexPub) != hex.EncodeToString(pub)+"\n" {
				t.Errorf(".pub = %q, want the hex of %x", hexPub, pub)
			}
			priv, err := home.LoadRoleKey(path, tc.passphrase)
			if err != nil {
				t.Fatal(err)
			}
			if !pub.Equal(priv.Public()) {
				t.Error("loaded key is not the one written")
			}
			if pk, err := home.LoadPublishKey(path, tc.passphrase); err != nil || pk.KeyID() != trust.KeyID(pub) {
				t.Errorf("LoadPublishKey: %v", err)
			}
		})
	}
}

func TestRoleKeyPassphraseErrors(t *testing.T) {
	path, _ := mustRoleKey(t, pass)
	if _, err := home.LoadRoleKey(path, nil); !errors.Is(err, home.ErrPassphraseRequired) {
		t.Errorf("no passphrase: %v, want ErrPassphraseRequired", err)
	}
	if _, err := home.LoadPublishKey(path, []byte("wrong")); !errors.Is(err, home.ErrBadPassphrase) {
		t.Errorf("wrong passphrase: %v, want ErrBadPassphrase", err)
	}
	// A passphrase given for a plain key file is not needed, and harmless.
	plain, _ := mustRoleKey(t, nil)
	if _, err := home.LoadRoleKey(plain, pass); err != nil {
		t.Errorf("plain key with a passphrase: %v", err)
	}
}

func TestRoleKeyPermissions(t *testing.T) {
	for _, tc := range []struct {
		name       string
		passphrase []byte
	}{{"plain", nil}, {"encrypted", pass}} {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := mustRoleKey(t, tc.passphrase)
			if err := os.Chmod(path, 0o640); err != nil {
				t.Fatal(err)
			}
			if _, err := home.LoadRoleKey(path, tc.passphrase); !errors.Is(err, ipns.ErrKeyPermissions) {
				t.Errorf("mode 0640: %v, want ErrKeyPermissions", err)
			}
		})
	}
}

func TestSaveRoleKeyNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	k, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing.key")
	os.WriteFile(existing, []byte("keep"), 0o600)
	link := filepath.Join(dir, "link.key")
	os.Symlink(filepath.Join(dir, "nowhere"), link)
	pubOnly := filepath.Join(dir, "pubonly.key")
	os.WriteFile(pubOnly+home.PubSuffix, []byte("keep"), 0o644)
	for _, p := range []string{existing, link, pubOnly, os.DevNull} {
		for _, passphrase := range [][]byte{nil, pass} {
			if err := home.SaveRoleKey(p, k, passphrase); !errors.Is(err, ipns.ErrKeyExists) {
				t.Errorf("%s: %v, want ErrKeyExists", p, err)
			}
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep" {
		t.Errorf("existing file replaced: %q", b)
	}
	if _, err := os.Lstat(pubOnly); err == nil {
		t.Error("a key file was left beside a .pub that refused it")
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); err == nil {
		t.Error("written through a symlink")
	}
	if _, err := home.NewRoleKey(filepath.Join(dir, "missing", "k.key"), pass); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing directory: %v, want ErrNotExist", err)
	}
}

func TestRoleKeyCorrupt(t *testing.T) {
	path, _ := mustRoleKey(t, pass)
	good, _ := os.ReadFile(path)
	hdrEnd := bytes.Index(good, []byte("\n---")) + 1
	x25519, _ := age.GenerateX25519Identity()
	var toKey bytes.Buffer
	w, _ := age.Encrypt(&toKey, x25519.Recipient())
	w.Write([]byte("key"))
	w.Close()
	for name, b := range map[string][]byte{
		"payload flipped": append(good[:len(good)-1:len(good)-1], good[len(good)-1]^1),
		"truncated":       good[:len(good)-8],
		"header only":     good[:hdrEnd],
		"header damaged":  bytes.Replace(good, []byte("-> scrypt "), []byte("-> scrypt x"), 1),
		"to a key":        toKey.Bytes(),
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "k")
			os.WriteFile(p, b, 0o600)
			_, err := home.LoadRoleKey(p, pass)
			if !errors.Is(err, home.ErrInvalidEncryptedKey) {
				t.Fatalf("%v, want ErrInvalidEncryptedKey", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error of several lines: %q", err)
			}
		})
	}
}

// TestRoleKeyAgeCLI reads key files encrypted as 'age -p' (and 'age -p
// -a') writes them.
func TestRoleKeyAgeCLI(t *testing.T) {
	k, _ := ipns.GenerateKey(nil)
	plain, _ := k.Marshal()
	for _, armored := range []bool{false, true} {
		var buf bytes.Buffer
		out := &buf
		var aw interface{ Close() error }
		r, _ := age.NewScryptRecipient(string(pass))
		r.SetWorkFactor(10)
		if armored {
			a := armor.NewWriter(&buf)
			aw = a
			w, _ := age.Encrypt(a, r)
			w.Write(plain)
			w.Close()
		} else {
			w, _ := age.Encrypt(out, r)
			w.Write(plain)
			w.Close()
		}
		if aw != nil {
			aw.Close()
		}
		p := filepath.Join(t.TempDir(), "k")
		os.WriteFile(p, buf.Bytes(), 0o600)
		priv, err := home.LoadRoleKey(p, pass)
		if err != nil {
			t.Fatalf("armored %v: %v", armored, err)
		}
		if raw, _ := k.PrivKey().Raw(); !bytes.Equal(priv, raw) {
			t.Errorf("armored %v: another key", armored)
		}
	}
}
