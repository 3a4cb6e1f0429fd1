package manifest_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/manifest"
)

func decodeProject(t testing.TB, s string) *manifest.Project {
	t.Helper()
	p, err := manifest.DecodeProject(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDecodeProject(t *testing.T) {
	p := decodeProject(t, `{
  "registry": "`+lockRegistry+`",
  "gateways": ["http://127.0.0.1:8080", "https://ipfs.example/"],
  "services": {"tts": "^1.0.0", "player": " ~2.1 ", "web": "latest", "any": "*"}
}`)
	if p.Registry != lockRegistry {
		t.Errorf("registry = %q", p.Registry)
	}
	if len(p.Gateways) != 2 || p.Gateways[0] != "http://127.0.0.1:8080" || p.Gateways[1] != "https://ipfs.example/" {
		t.Errorf("gateways = %q, want the given order", p.Gateways)
	}
	want := map[manifest.Name]struct{ query, tag string }{
		"tts": {"^1.0.0", ""}, "player": {"~2.1", ""}, "web": {"latest", "latest"}, "any": {"*", ""},
	}
	if len(p.Services) != len(want) {
		t.Fatalf("services = %v", p.Services)
	}
	for n, w := range want {
		sp := p.Services[n]
		if sp.Name != n || sp.Query() != w.query || sp.Tag != w.tag {
			t.Errorf("services[%s] = %s (tag %q), want query %q tag %q", n, sp, sp.Tag, w.query, w.tag)
		}
	}
}

func TestProjectGolden(t *testing.T) {
	path := filepath.Join(lockDir, "project.json")
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := manifest.DecodeProject(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := manifest.EncodeProject(&got, p); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("EncodeProject(DecodeProject(%s)) =\n%s\nwant\n%s", path, got.Bytes(), want)
	}
}

func TestDecodeProjectMinimal(t *testing.T) {
	p := decodeProject(t, `{"registry": "k51abc"}`)
	if p.Registry != "k51abc" || len(p.Gateways) != 0 || len(p.Services) != 0 {
		t.Fatalf("got %+v", p)
	}
	var b bytes.Buffer
	if err := manifest.EncodeProject(&b, p); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"registry\": \"k51abc\",\n  \"services\": {}\n}\n"; b.String() != want {
		t.Fatalf("encoded %q, want %q", b.String(), want)
	}
}

func TestDecodeProjectErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", ``, "unexpected end of input"},
		{"not an object", `"x"`, "must be an object, not a string"},
		{"no registry", `{"services": {}}`, `missing field "registry"`},
		{"empty registry", `{"registry": ""}`, "registry is empty"},
		{"typo", `{"registry": "k51a", "servics": {}}`, `line 1: the project file: unknown field "servics" (known: gateways, registry, root, services)`},
		{"case variant", `{"Registry": "k51a"}`, `unknown field "Registry"`},
		{"duplicate key", "{\"registry\": \"k51a\",\n\"registry\": \"k51b\"}", `line 2: the project file: duplicate key "registry"`},
		{"duplicate service", `{"registry": "k51a", "services": {"tts": "^1", "tts": "^2"}}`, `services: duplicate key "tts"`},
		{"bad name", `{"registry": "k51a", "services": {"Tts": "^1"}}`, `invalid service name "Tts"`},
		{"bad range", `{"registry": "k51a", "services": {"tts": ">>1"}}`, `services.tts: invalid release spec`},
		{"empty range", `{"registry": "k51a", "services": {"tts": ""}}`, `nothing after '@'`},
		{"range not string", `{"registry": "k51a", "services": {"tts": 1}}`, `services.tts must be a string, not a number`},
		{"services list", `{"registry": "k51a", "services": ["tts"]}`, `services must be an object, not a list`},
		{"gateway scheme", `{"registry": "k51a", "gateways": ["ftp://x"]}`, `gateways[0]: "ftp://x": gateways are http:// or https:// URLs`},
		{"gateway no host", `{"registry": "k51a", "gateways": ["http://"]}`, `has no host`},
		{"gateway query", `{"registry": "k51a", "gateways": ["http://x/?a=1"]}`, `no user, query or fragment`},
		{"gateway twice", `{"registry": "k51a", "gateways": ["http://x", "http://x"]}`, `gateways[1]: "http://x" is listed twice`},
		{"gateway not string", `{"registry": "k51a", "gateways": [1]}`, `gateways[0] must be a string`},
		{"gateways null", `{"registry": "k51a", "gateways": null}`, `gateways must be a list of strings, not null`},
		{"trailing", `{"registry": "k51a"} {}`, "unexpected data after the end"},
		{"comment", "{\"registry\": \"k51a\" // mine\n}", "invalid character '/'"},
		{"too large", `{"registry": "k51a"}` + strings.Repeat(" ", manifest.MaxProjectSize), "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := manifest.DecodeProject(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("decoded %+v, want error %q", p, tt.want)
			}
			if !errors.Is(err, manifest.ErrInvalidProject) {
				t.Errorf("error does not wrap ErrInvalidProject: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(tt.name, "registry") && !errors.As(err, new(*manifest.RegistryError)) {
				t.Errorf("error is not a *RegistryError: %v", err)
			}
		})
	}
}
