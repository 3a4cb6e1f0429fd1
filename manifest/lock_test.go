package manifest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/ipld/go-ipld-prime/codec/dagjson"
	"github.com/ipld/go-ipld-prime/datamodel"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	"github.com/ipld/go-ipld-prime/node/basicnode"

	"github.com/svcreg/svcreg/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden lockfiles in testdata/lock")

const lockDir = "testdata/lock"

// Values for the lockfile fixtures. The registry name and CIDs are real
// ones (from the golden manifest fixtures and kubo imports).
const lockRegistry = "k51qzi5uqu5dkvlw96qo5an078oae3hglhzk1a81bijbifqli1l3qg3762f7bp"

var (
	lockRoot  = cid.MustParse("bafyreidbmm7bptwk747kdukmfcgtawpab5wsuhsacgcn56bdjwd6ny6wia")
	lockDirV1 = cid.MustParse("bafybeic7unhmklsa3kyonkjtr6mzswtda65dwlichmcp5w4geix4i2kcfa")
	lockDirV0 = cid.MustParse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn")
	// a signed Root block, version 2 (manifest/trust/testdata/root-v2.cid)
	lockTrustRoot = cid.MustParse("bafyreifvphxhpegjqras64474c4lxyzle7za5qbqhv4hspitht4ezj5xz4")
)

// goldenLocks are the locks whose canonical bytes are in testdata/lock.
var goldenLocks = map[string]*manifest.Lock{
	"basic": {
		Registry: lockRegistry, Root: lockRoot, Seq: 7,
		Services: map[manifest.Name]manifest.LockEntry{
			"tts": {Range: "^1.0.0", Version: manifest.MustParseVersion("1.0.1"), CID: lockDirV1, Size: 28, Profile: "unixfs-v1-2025"},
			"player": {Range: ">=2.1 <3", Version: manifest.MustParseVersion("2.1.3"), CID: lockDirV0, Size: 52311,
				Profile: "unixfs-v0-2015", Hidden: true},
			"web.app_2": {Range: "latest", Version: manifest.MustParseVersion("1.1.0-beta.1"), CID: lockDirV1, Size: 0, Profile: "unixfs-v1-2025"},
		},
	},
	"empty": {Registry: lockRegistry, Root: lockRoot, Seq: 1, Services: map[manifest.Name]manifest.LockEntry{}},
	// version 2: the registry's trust root recorded
	"trust": {
		Registry: lockRegistry, Root: lockRoot, Seq: 9,
		Services: map[manifest.Name]manifest.LockEntry{
			"tts": {Range: "^1.0.0", Version: manifest.MustParseVersion("1.0.1"), CID: lockDirV1, Size: 28, Profile: "unixfs-v1-2025"},
		},
		Trust: &manifest.LockTrust{Root: lockTrustRoot, Version: 2},
	},
	"trust-empty": {Registry: lockRegistry, Root: lockRoot, Seq: 1, Services: map[manifest.Name]manifest.LockEntry{},
		Trust: &manifest.LockTrust{Root: lockTrustRoot, Version: 1}},
}

func encodeLock(t testing.TB, l *manifest.Lock) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := manifest.EncodeLock(&b, l); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestLockGolden pins the writer's bytes. Run with -update to rewrite the
// files after a deliberate format change, and review the diff.
func TestLockGolden(t *testing.T) {
	for name, l := range goldenLocks {
		t.Run(name, func(t *testing.T) {
			got := encodeLock(t, l)
			path := filepath.Join(lockDir, name+".lock")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestLockGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("EncodeLock differs from %s:\n got:\n%s\nwant:\n%s", path, got, want)
			}
			back, err := manifest.DecodeLock(bytes.NewReader(want))
			if err != nil {
				t.Fatal(err)
			}
			if !back.Equal(l) {
				t.Fatalf("decode(%s) = %+v, want %+v", path, back, l)
			}
		})
	}
}

// TestLockDeterministic encodes the same lock built in many map orders.
func TestLockDeterministic(t *testing.T) {
	src := goldenLocks["basic"]
	want := encodeLock(t, src)
	for i := range 50 {
		l := &manifest.Lock{Registry: src.Registry, Root: src.Root, Seq: src.Seq, Services: map[manifest.Name]manifest.LockEntry{}}
		for n, e := range src.Services { // map iteration order varies per run
			l.Services[n] = e
		}
		for j := range i % 7 { // and the map's history with it
			l.Services[manifest.Name("x"+string(rune('a'+j)))] = manifest.LockEntry{}
			delete(l.Services, manifest.Name("x"+string(rune('a'+j))))
		}
		if got := encodeLock(t, l); !bytes.Equal(got, want) {
			t.Fatalf("encoding %d differs:\n%s\nwant\n%s", i, got, want)
		}
	}
}

// TestLockIsDAGJSON decodes every golden lockfile with go-ipld-prime's
// DAG-JSON codec: links must come back as links, and re-encoding the
// node as canonical (compact, key-sorted) DAG-JSON must give our bytes
// without their whitespace.
func TestLockIsDAGJSON(t *testing.T) {
	for name := range goldenLocks {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(lockDir, name+".lock"))
			if err != nil {
				t.Fatal(err)
			}
			nb := basicnode.Prototype.Any.NewBuilder()
			if err := dagjson.Decode(nb, bytes.NewReader(data)); err != nil {
				t.Fatalf("not DAG-JSON: %v", err)
			}
			n := nb.Build()
			root, err := n.LookupByString("root")
			if err != nil || root.Kind() != datamodel.Kind_Link {
				t.Fatalf("root is %v (%v), want a link", root, err)
			}
			if l, _ := root.AsLink(); l.(cidlink.Link).Cid != lockRoot {
				t.Fatalf("root link = %v, want %v", l, lockRoot)
			}
			var again bytes.Buffer
			if err := dagjson.Encode(n, &again); err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, data); err != nil {
				t.Fatal(err)
			}
			if again.String() != compact.String() {
				t.Fatalf("canonical DAG-JSON differs:\n dagjson %s\n   ours  %s", again.String(), compact.String())
			}
		})
	}
}

func TestDecodeLockLayouts(t *testing.T) {
	canonical := encodeLock(t, goldenLocks["basic"])
	var compact, spaced bytes.Buffer
	if err := json.Compact(&compact, canonical); err != nil {
		t.Fatal(err)
	}
	if err := json.Indent(&spaced, canonical, "\t", "\t"); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"compact": compact.Bytes(), "tabs": spaced.Bytes(), "crlf": bytes.ReplaceAll(canonical, []byte("\n"), []byte("\r\n"))} {
		t.Run(name, func(t *testing.T) {
			l, err := manifest.DecodeLock(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if got := encodeLock(t, l); !bytes.Equal(got, canonical) {
				t.Fatalf("re-encoding is not canonical:\n%s", got)
			}
		})
	}
}

func TestDecodeLockErrors(t *testing.T) {
	good := string(encodeLock(t, goldenLocks["basic"]))
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "line 1: unexpected end of input"},
		{"not an object", "[]", "the lockfile must be an object, not a list"},
		{"unknown top field", edit(`"seq": 7,`, `"seq": 7, "sequence": 7,`), `unknown field "sequence" (known: lockfileVersion, registry, root, seq, services)`},
		{"unknown entry field", edit(`"size": 28,`, `"size": 28, "sha": "x",`), `services.tts: unknown field "sha"`},
		{"case variant", edit(`"registry"`, `"Registry"`), `unknown field "Registry"`},
		{"duplicate top key", edit(`"seq": 7,`, `"seq": 7, "seq": 8,`), `duplicate key "seq"`},
		{"duplicate service", edit(`"web.app_2": {`, `"tts": {`), `line 23: services: duplicate key "tts"`},
		{"missing field", edit(`"hidden": false,
      "profile": "unixfs-v1-2025",
      "range": "^1.0.0"`, `"hidden": false, "range": "^1.0.0"`), `services.tts: missing field "profile"`},
		{"missing top field", edit(`"seq": 7,`, ``), `missing field "seq"`},
		{"future version", edit(`"lockfileVersion": 1`, `"lockfileVersion": 3`), "line 2: lockfileVersion 3 is not 1 or 2"},
		{"version 2 without trust", edit(`"lockfileVersion": 1`, `"lockfileVersion": 2`), `the lockfile: missing field "trust"`},
		{"version 1 with trust", edit(`"seq": 7,`, `"seq": 7, "trust": {"root": {"/": "bafyreidbmm7bptwk747kdukmfcgtawpab5wsuhsacgcn56bdjwd6ny6wia"}, "rootVersion": 1},`), `unknown field "trust"`},
		{"version as string", edit(`"lockfileVersion": 1`, `"lockfileVersion": "1"`), "lockfileVersion must be a number, not a string"},
		{"negative size", edit(`"size": 28`, `"size": -1`), "services.tts.size must be a whole number"},
		{"float seq", edit(`"seq": 7`, `"seq": 7.0`), "seq must be a whole number"},
		{"huge seq", edit(`"seq": 7`, `"seq": 9223372036854775808`), "seq must be a whole number"},
		{"zero seq", edit(`"seq": 7`, `"seq": 0`), "seq 0 is out of range"},
		{"bad cid", edit(`"cid": {"/": "bafybeic7`, `"cid": {"/": "xafybeic7`), "is not a CID"},
		{"cid not a link", edit(`"cid": {"/": "bafybeic7unhmklsa3kyonkjtr6mzswtda65dwlichmcp5w4geix4i2kcfa"}`, `"cid": "bafybeic7unhmklsa3kyonkjtr6mzswtda65dwlichmcp5w4geix4i2kcfa"`), "services.tts.cid must be an object, not a string"},
		{"empty link", edit(`"root": {"/": "bafyreidbmm7bptwk747kdukmfcgtawpab5wsuhsacgcn56bdjwd6ny6wia"}`, `"root": {}`), `root must be a link`},
		{"root not dag-cbor", edit(`"root": {"/": "bafyreidbmm7bptwk747kdukmfcgtawpab5wsuhsacgcn56bdjwd6ny6wia"}`, `"root": {"/": "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"}`), "is not a manifest block cid"},
		{"bad service name", edit(`"tts": {`, `"TTS": {`), `invalid service name "TTS"`},
		{"bad range", edit(`"range": "^1.0.0"`, `"range": ">>1"`), "neither a version range nor a tag"},
		{"spaced range", edit(`"range": "^1.0.0"`, `"range": " ^1.0.0"`), "surrounding spaces"},
		{"bad version", edit(`"version": "1.0.1"`, `"version": "1.0"`), "invalid version"},
		{"uncanonical version", edit(`"version": "1.0.1"`, `"version": "v1.0.1"`), "invalid version"},
		{"build metadata", edit(`"version": "1.0.1"`, `"version": "1.0.1+b"`), "build metadata"},
		{"bad profile", edit(`"profile": "unixfs-v1-2025"`, `"profile": ""`), "is not a profile name"},
		{"hidden not bool", edit(`"hidden": false`, `"hidden": 0`), "must be true or false, not a number"},
		{"null", edit(`"registry": "k51`, `"registry": null, "x": "k51`), "registry must be a string, not null"},
		{"bad registry", edit(`"registry": "k51`, `"registry": "k51 `), "is not an IPNS name"},
		{"trailing data", good + "{}", "unexpected data after the end"},
		{"merge conflict", edit(`    "tts": {`, "<<<<<<< HEAD\n    \"tts\": {"), "line 15: invalid character '<'"},
		{"not utf-8", edit(`"profile": "unixfs-v1-2025"`, "\"profile\": \"unixfs-\xff\""), "byte 0xff is not UTF-8"},
		{"too large", good + strings.Repeat(" ", manifest.MaxLockSize), "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := manifest.DecodeLock(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("decoded %+v, want error %q", l, tt.want)
			}
			if !errors.Is(err, manifest.ErrInvalidLock) {
				t.Errorf("error does not wrap ErrInvalidLock: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEncodeLockRefusesInvalid(t *testing.T) {
	tests := []struct {
		name string
		l    *manifest.Lock
	}{
		{"no registry", &manifest.Lock{Root: lockRoot, Seq: 1}},
		{"no root", &manifest.Lock{Registry: lockRegistry, Seq: 1}},
		{"seq 0", &manifest.Lock{Registry: lockRegistry, Root: lockRoot}},
		{"entry without cid", &manifest.Lock{Registry: lockRegistry, Root: lockRoot, Seq: 1, Services: map[manifest.Name]manifest.LockEntry{
			"tts": {Range: "^1", Version: manifest.MustParseVersion("1.0.0"), Profile: "unixfs-v1-2025"}}}},
		{"bad name", &manifest.Lock{Registry: lockRegistry, Root: lockRoot, Seq: 1, Services: map[manifest.Name]manifest.LockEntry{
			"../x": {Range: "^1", Version: manifest.MustParseVersion("1.0.0"), CID: lockDirV1, Profile: "unixfs-v1-2025"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := manifest.EncodeLock(&b, tt.l)
			if !errors.Is(err, manifest.ErrInvalidLock) {
				t.Fatalf("EncodeLock = %v, want ErrInvalidLock", err)
			}
			if b.Len() != 0 {
				t.Fatalf("wrote %q on error", b.String())
			}
		})
	}
}
