package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/manifest/trust"
	svchome "github.com/svcreg/svcreg/registry/home"
)

// TestKeyNew checks what key new writes: FILE with mode 0600 that loads
// (decrypted with the passphrase file), FILE.pub with the hex of its
// public key, and the key id of that public key on stdout, --json's keys
// as docs/CLI.md lists them.
func TestKeyNew(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	passFile := filepath.Join(dir, "pass")
	os.WriteFile(passFile, []byte("a passphrase\r\n"), 0o600)
	for _, tc := range []struct {
		role string
		args []string
		pass []byte
	}{
		{"publish", nil, nil},
		{"root", []string{"--passphrase-file", passFile}, []byte("a passphrase")},
	} {
		t.Run(tc.role, func(t *testing.T) {
			file := filepath.Join(dir, tc.role+".key")
			var out map[string]any
			js := must(t, home, append([]string{"key", "new", "--role", tc.role, "-o", file, "--json"}, tc.args...)...)
			if err := json.Unmarshal([]byte(js), &out); err != nil {
				t.Fatal(err)
			}
			checkKeys(t, "key new --json", []map[string]any{out}, braceKeys(t, after(t, readDoc(t), "### `svcreg key new", "`--json`")))
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("%s: %v %v, want mode 0600", file, err, fi.Mode())
			}
			b, _ := os.ReadFile(file + ".pub")
			pub, err := hex.DecodeString(strings.TrimSuffix(string(b), "\n"))
			if err != nil || len(pub) != ed25519.PublicKeySize || !strings.HasSuffix(string(b), "\n") || strings.ToLower(string(b)) != string(b) {
				t.Fatalf(".pub = %q: %v", b, err)
			}
			priv, err := svchome.LoadRoleKey(file, tc.pass)
			if err != nil {
				t.Fatal(err)
			}
			if !priv.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(pub)) {
				t.Error(".pub is not the key's public key")
			}
			want := map[string]any{"role": tc.role, "key_id": trust.KeyID(pub), "file": file, "pub": file + ".pub", "encrypted": tc.pass != nil}
			for k, v := range want {
				if out[k] != v {
					t.Errorf("--json %s = %v, want %v", k, out[k], v)
				}
			}
			text := must(t, home, "key", "new", "--role", tc.role, "-o", file+"2")
			if !strings.Contains(text, file+"2.pub") || strings.Contains(text, hex.EncodeToString(priv.Seed())) {
				t.Errorf("text output: %q", text)
			}
		})
	}
	if _, err := os.Stat(home); err == nil {
		t.Error("key new made the home")
	}
}
