package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPathErrorsOneLine runs commands with bad paths and inputs — missing
// files and parents, files where directories belong and the reverse, bad
// CARs, keys, project files, lockfiles and config files, a damaged home —
// and checks that each fails with one error line that names the failing
// path at most once, carries no Go file operation's chain ("stat X: "
// after X was named), no temporary file's name, and is followed by a
// hint.
func TestPathErrorsOneLine(t *testing.T) {
	tmp := t.TempDir()
	home := filepath.Join(tmp, "home")
	site := writeTextSite(t, filepath.Join(tmp, "site"), "tts")
	name := must(t, home, "init")
	must(t, home, "publish", "tts@1.0.0", site)
	file := writeTestFile(t, filepath.Join(tmp, "afile"), "a file")
	dir := filepath.Join(tmp, "adir")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(tmp, "missing")
	badCar := writeTestFile(t, filepath.Join(tmp, "bad.car"), "not a car")
	emptyCar := writeTestFile(t, filepath.Join(tmp, "empty.car"), "")
	project := writeTestFile(t, filepath.Join(tmp, "svcreg.json"), `{"registry": "`+name+`", "services": {"tts": "^1"}}`)
	badProject := writeTestFile(t, filepath.Join(tmp, "bad.json"), `{"registry": `)
	badLock := writeTestFile(t, filepath.Join(tmp, "bad.lock"), `{"lockfileVersion": `)
	goodLock := filepath.Join(tmp, "good.lock")
	must(t, home, "lock", "--project", project, "--lock", goodLock)

	// homes with one part of the layout damaged
	damaged := func(name string, damage func(h string)) string {
		h := filepath.Join(tmp, name)
		must(t, h, "init")
		damage(h)
		return h
	}
	replace := func(h, part string, dir bool) {
		if err := os.RemoveAll(filepath.Join(h, part)); err != nil {
			t.Fatal(err)
		}
		if dir {
			if err := os.Mkdir(filepath.Join(h, part), 0o700); err != nil {
				t.Fatal(err)
			}
		} else {
			writeTestFile(t, filepath.Join(h, part), "x")
		}
	}
	blocksFile := damaged("blocksfile", func(h string) { replace(h, blocksDir, false) })
	configDir := damaged("configdir", func(h string) { replace(h, configFile, true) })
	badConfig := damaged("badconfig", func(h string) { writeTestFile(t, filepath.Join(h, configFile), "{") })

	for _, tc := range []struct {
		home string
		path string // the path the error is about
		args []string
	}{
		{home, missing, []string{"publish", "tts@2.0.0", missing}},
		{home, file, []string{"publish", "tts@2.0.0", file}},
		{home, missing, []string{"publish", "--dry-run", "tts@2.0.0", missing}},
		{home, missing, []string{"verify", missing, "tts@1.0.0"}},
		{home, file, []string{"verify", file, "tts@1.0.0"}},
		{home, missing + "/x", []string{"get", "tts", "-o", missing + "/x"}},
		{home, file + "/x", []string{"get", "tts", "-o", file + "/x"}},
		{home, missing + "/x.car", []string{"export", "-o", missing + "/x.car"}},
		{home, file + "/x.car", []string{"export", "-o", file + "/x.car"}},
		{home, dir, []string{"export", "-o", dir}},
		{home, missing + "/k", []string{"key", "export", "-o", missing + "/k"}},
		{home, file + "/k", []string{"key", "export", "-o", file + "/k"}},
		{home, missing, []string{"key", "import", missing}},
		{home, dir, []string{"key", "import", dir}},
		{home, missing, []string{"import", missing}},
		{home, dir, []string{"import", dir}},
		{home, badCar, []string{"import", badCar}},
		{home, emptyCar, []string{"import", emptyCar}},
		{home, missing, []string{"lock", "--project", missing}},
		{home, dir, []string{"lock", "--project", dir}},
		{home, badProject, []string{"lock", "--project", badProject}},
		{home, file + "/x.json", []string{"lock", "--project", file + "/x.json"}},
		{home, file + "/x.lock", []string{"lock", "--project", project, "--lock", file + "/x.lock"}},
		{home, dir, []string{"lock", "--project", project, "--lock", dir}},
		{home, badLock, []string{"check", "--project", project, "--lock", badLock}},
		{home, dir, []string{"check", "--project", project, "--lock", dir}},
		{home, file + "/x", []string{"install", "--project", project, "--lock", goodLock, "-o", file + "/x"}},
		{home, missing, []string{"check", "--project", missing}},
		{home, missing, []string{"install", "--project", missing}},
		{home, missing, []string{"update", "--project", missing}},
		{file, file, []string{"ls"}},
		{file + "/sub", file + "/sub", []string{"ls"}},
		{blocksFile, filepath.Join(blocksFile, blocksDir), []string{"ls"}},
		{blocksFile, filepath.Join(blocksFile, blocksDir), []string{"publish", "tts@1.0.0", site}},
		{configDir, filepath.Join(configDir, configFile), []string{"remote", "ls"}},
		{badConfig, filepath.Join(badConfig, configFile), []string{"remote", "ls"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := svcreg(t, tc.home, tc.args...)
			if r.code == 0 {
				t.Fatalf("exit 0")
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "svcreg: error: ") || !strings.HasPrefix(lines[1], "svcreg: hint: ") {
				t.Fatalf("exit %d: want an error line and a hint line, got:\n%s", r.code, r.stderr)
			}
			msg := strings.TrimPrefix(lines[0], "svcreg: error: ")
			if n := strings.Count(msg, tc.path); n > 1 {
				t.Errorf("%s named %d times: %s", tc.path, n, msg)
			}
			if op := repeatedPathOp(msg); op != "" {
				t.Errorf("a file operation's chain (%q after the path was named): %s", op, msg)
			}
			for _, tmpName := range []string{".put-", ".tmp-", ".key-"} {
				if strings.Contains(msg, tmpName) {
					t.Errorf("a temporary file's name (%s): %s", tmpName, msg)
				}
			}
		})
	}
}

// pathOpRE matches what *fs.PathError prints before its cause.
var pathOpRE = regexp.MustCompile(`\b(open|stat|lstat|read|write|mkdir|remove|rename|readdirent) (\S+): `)

// repeatedPathOp returns the first "OP PATH: " in msg whose PATH, a
// directory above it or a path under it was named before it, else "".
func repeatedPathOp(msg string) string {
	for _, m := range pathOpRE.FindAllStringSubmatchIndex(msg, -1) {
		p := msg[m[4]:m[5]]
		for _, w := range strings.Fields(msg[:m[0]]) {
			w = strings.Trim(w, `:;,()"'`)
			if w == p || strings.HasPrefix(w, p+"/") || strings.HasPrefix(p, w+"/") {
				return msg[m[0]:m[1]]
			}
		}
	}
	return ""
}

// writeTestFile writes text to path and returns path.
func writeTestFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
