package manifest_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
)

// The golden fixtures in testdata/golden are made by tools/goldens/gen.mjs
// with the JavaScript @ipld/dag-cbor codec from hand-written .dag-json
// descriptions, so the expected bytes and CIDs do not come from the code
// under test. The tables below repeat each description by hand as Go values.

const goldenDir = "testdata/golden"

const goldenRegistry = "k51qzi5uqu5dkvlw96qo5an078oae3hglhzk1a81bijbifqli1l3qg3762f7bp"

// CIDs that appear in the fixture descriptions.
var (
	cidIndexEmpty    = cid.MustParse("bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua")
	cidIndexLeaf     = cid.MustParse("bafyreidy7qsu6ckqduqz7wgwfcto7zeszkh22vovurd4i5q6sjvaflhrdi")
	cidManifestSeq1  = cid.MustParse("bafyreidbmm7bptwk747kdukmfcgtawpab5wsuhsacgcn56bdjwd6ny6wia")
	cidServiceBasic  = cid.MustParse("bafyreifhdfqmptqmqujnzjnxzmyiqfvpllahzmjseuuic6owyhikgxiica")
	cidServiceYanked = cid.MustParse("bafyreigsswyshzbj3pgtivzjvlzvvwgac5zdmgj6tnm2cqy3kgkrjeqboa")
	cidServiceEdge   = cid.MustParse("bafyreic74b7l5l5qvhq5frmxibxukgmxcnvx4kpswgktz2njxmsgacjtci")
	cidOtherA        = cid.MustParse("bafyreiddjons3bmio7hwebw7u7recnukkf6bwhdaiiwi3dsyupy3dhjsvy")
	cidOtherB        = cid.MustParse("bafyreihn5dxeqgift34ayid42laqg2w2vlg2jar363mjogjmpycnq5gxpy")

	cidDirV1    = cid.MustParse("bafybeic7unhmklsa3kyonkjtr6mzswtda65dwlichmcp5w4geix4i2kcfa")
	cidDirEmpty = cid.MustParse("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354")
	cidDirV0    = cid.MustParse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn")
	cidRaw      = cid.MustParse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
)

// longName is the 214-byte name in index-leaf.dag-json.
var longName = strings.Repeat("a-very-long-service-name.", 9)[:213] + "z"

func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

var goldenManifests = map[string]*manifest.Manifest{
	"manifest-seq1": {
		Format:   1,
		Registry: goldenRegistry,
		Seq:      1,
		Time:     unix(1767225600),
		Change:   "init",
		Services: cidIndexEmpty,
		Releases: 0,
	},
	"manifest-seq2": {
		Format:   1,
		Registry: goldenRegistry,
		Seq:      2,
		Prev:     cidManifestSeq1,
		Time:     unix(1767229200),
		Change:   "publish tts@1.0.0",
		Services: cidIndexLeaf,
		Releases: 12,
	},
	"manifest-format2": {
		Format:   2,
		Registry: goldenRegistry,
		Seq:      1,
		Time:     unix(1767225600),
		Change:   "init",
		Services: cidIndexEmpty,
	},
}

var goldenIndexes = map[string]map[string]cid.Cid{
	"index-empty": {},
	"index-leaf": {
		"a":                        cidOtherA,
		"zz":                       cidOtherB,
		"tts":                      cidServiceBasic,
		"player":                   cidServiceYanked,
		"b.c_d-e":                  cidServiceEdge,
		"0day":                     cidOtherA,
		"_internal":                cidOtherB,
		"abcdefghijklmnopqrstuvw":  cidOtherA,
		"abcdefghijklmnopqrstuvwx": cidOtherB,
		longName:                   cidOtherA,
	},
	"index-branch": {
		"-00": cidIndexLeaf,
		"-0a": cidIndexEmpty,
		"-ff": cidOtherA,
	},
}

var goldenVersionNodes = map[string]manifest.VersionNode{
	"version-leaf": {Releases: map[string]manifest.Release{
		"1.0.0": {Content: cidDirV1, Size: 18342, Profile: "unixfs-v1-2025", Published: unix(1767225600)},
		"0.9.0": {
			Content: cidDirV0, Size: 255, Profile: "unixfs-v0-2015", Hidden: true, Published: unix(-1),
			Yank: &manifest.Yank{Reason: "breaks audio on Safari; use 1.0.0", Time: unix(1760086400)},
		},
		"10.0.0-rc.1": {
			Content: cidRaw, Size: 1 << 32, Profile: "unixfs-v1-2025", Published: unix(1767312000),
			Yank: &manifest.Yank{Reason: "", Time: unix(0)},
		},
		"2.0.0": {Content: cidDirEmpty, Size: 0, Profile: "unixfs-v1-2025", Published: unix(1767312000)},
	}},
	"version-branch": {Children: map[string]cid.Cid{"-00": cidOtherA, "-7f": cidOtherB, "-ff": cidOtherA}},
}

var goldenServices = map[string]*manifest.Service{
	"service-sharded": {
		Name:         "tts",
		Releases:     map[string]manifest.Release{},
		Tags:         map[string]string{"latest": "1.1.0", "beta": "2.0.0-beta.1"},
		VersionIndex: cidOtherB,
	},
	"service-basic": {
		Name: "tts",
		Releases: map[string]manifest.Release{
			"1.0.0": {Content: cidDirV1, Size: 18342, Profile: "unixfs-v1-2025", Published: unix(1767225600)},
			"1.1.0": {Content: cidDirEmpty, Size: 20117, Profile: "unixfs-v1-2025", Published: unix(1767312000)},
		},
		Tags: map[string]string{"latest": "1.1.0"},
	},
	"service-yanked": {
		Name: "player",
		Releases: map[string]manifest.Release{
			"0.9.0": {
				Content: cidDirV0, Size: 255, Profile: "unixfs-v0-2015", Published: unix(1760000000),
				Yank: &manifest.Yank{Reason: "breaks audio on Safari; use 1.0.0", Time: unix(1760086400)},
			},
			"1.0.0":        {Content: cidDirV1, Size: 65536, Profile: "unixfs-v1-2025", Hidden: true, Published: unix(1761000000)},
			"1.1.0-beta.1": {Content: cidRaw, Size: 24, Profile: "unixfs-v1-2025", Published: unix(1762000000)},
		},
		Tags: map[string]string{"latest": "1.0.0", "beta": "1.1.0-beta.1"},
	},
	"service-edge": {
		Name: "b.c_d-e",
		Releases: map[string]manifest.Release{
			"1.0.0+build.5": {Content: cidDirEmpty, Size: 1 << 32, Profile: "unixfs-v1-2025", Published: unix(1767225600)},
			"1.0.0-alpha.beta.11": {
				Content: cidRaw, Size: 0, Profile: "unixfs-v0-2015", Hidden: true, Published: unix(0),
				Yank: &manifest.Yank{Reason: "", Time: unix(23)},
			},
		},
		Tags: map[string]string{"latest": "1.0.0+build.5", "next": "1.0.0-alpha.beta.11"},
	},
}

// readGolden returns the bytes and CID of a fixture, failing the test when
// either file is missing or the .cid file is malformed.
func readGolden(t testing.TB, name string) ([]byte, cid.Cid) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldenDir, name+".dagcbor"))
	if err != nil {
		t.Fatalf("%v (regenerate: cd tools/goldens && npm install && node gen.mjs)", err)
	}
	text, err := os.ReadFile(filepath.Join(goldenDir, name+".cid"))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := strings.CutSuffix(string(text), "\n")
	if !ok || strings.ContainsAny(s, " \t\r\n") {
		t.Fatalf("%s.cid: want one CID and a newline, got %q", name, text)
	}
	c, err := cid.Parse(s)
	if err != nil {
		t.Fatalf("%s.cid: %v", name, err)
	}
	if c.String() != s {
		t.Fatalf("%s.cid: %q is not in the canonical base32 form %q", name, s, c)
	}
	return data, c
}

// checkBlock asserts that b is exactly the golden bytes and CID.
func checkBlock(t *testing.T, b manifest.Block, data []byte, c cid.Cid) {
	t.Helper()
	if !bytes.Equal(b.Data, data) {
		t.Errorf("encoded bytes differ from @ipld/dag-cbor's:\n got %x\nwant %x", b.Data, data)
	}
	if !b.CID.Equals(c) {
		t.Errorf("CID = %s, want %s", b.CID, c)
	}
	if p := b.CID.Prefix(); p.Version != 1 || p.Codec != cid.DagCBOR || p.MhType != 0x12 {
		t.Errorf("CID prefix = %+v, want CIDv1 dag-cbor sha2-256", p)
	}
	if err := manifest.CheckBlock(c, data); err != nil {
		t.Errorf("CheckBlock: %v", err)
	}
}

func TestGoldenFixturesAllCovered(t *testing.T) {
	descs, err := filepath.Glob(filepath.Join(goldenDir, "*.dag-json"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range descs {
		name := strings.TrimSuffix(filepath.Base(d), ".dag-json")
		seen[name] = true
		n := 0
		if _, ok := goldenManifests[name]; ok {
			n++
		}
		if _, ok := goldenIndexes[name]; ok {
			n++
		}
		if _, ok := goldenServices[name]; ok {
			n++
		}
		if _, ok := goldenVersionNodes[name]; ok {
			n++
		}
		if n != 1 {
			t.Errorf("fixture %s has %d Go tables entries, want 1", name, n)
		}
		readGolden(t, name)
	}
	for _, table := range [][]string{keys(goldenManifests), keys(goldenIndexes), keys(goldenServices), keys(goldenVersionNodes)} {
		for _, name := range table {
			if !seen[name] {
				t.Errorf("Go table entry %s has no %s.dag-json fixture", name, name)
			}
		}
	}
	if len(seen) == 0 {
		t.Errorf("no fixtures in %s", goldenDir)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestGoldenManifests(t *testing.T) {
	for _, name := range keys(goldenManifests) {
		want := goldenManifests[name]
		t.Run(name, func(t *testing.T) {
			data, c := readGolden(t, name)
			got, err := manifest.DecodeManifest(data)
			if err != nil {
				t.Fatalf("DecodeManifest: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("DecodeManifest =\n %+v\nwant\n %+v", *got, *want)
			}
			b, err := manifest.EncodeManifest(want)
			if err != nil {
				t.Fatalf("EncodeManifest: %v", err)
			}
			checkBlock(t, b, data, c)

			// The time zone of the Go value plays no part in the bytes.
			zoned := *want
			zoned.Time = want.Time.In(time.FixedZone("UTC+5:30", 5*3600+1800))
			if b, err := manifest.EncodeManifest(&zoned); err != nil || !bytes.Equal(b.Data, data) {
				t.Errorf("EncodeManifest with a non-UTC time: %v, bytes equal %v", err, err == nil && bytes.Equal(b.Data, data))
			}
		})
	}
}

func TestGoldenIndexes(t *testing.T) {
	for _, name := range keys(goldenIndexes) {
		want := goldenIndexes[name]
		t.Run(name, func(t *testing.T) {
			data, c := readGolden(t, name)
			got, err := manifest.DecodeIndex(data)
			if err != nil {
				t.Fatalf("DecodeIndex: %v", err)
			}
			if !reflect.DeepEqual(got.Entries, want) {
				t.Errorf("DecodeIndex = %v\nwant %v", got.Entries, want)
			}
			if wantBranch := strings.Contains(name, "branch"); got.IsBranch() != wantBranch {
				t.Errorf("IsBranch = %v, want %v", got.IsBranch(), wantBranch)
			}
			b, err := manifest.EncodeIndex(manifest.Index{Entries: want})
			if err != nil {
				t.Fatalf("EncodeIndex: %v", err)
			}
			checkBlock(t, b, data, c)
		})
	}
}

func TestGoldenServices(t *testing.T) {
	for _, name := range keys(goldenServices) {
		want := goldenServices[name]
		t.Run(name, func(t *testing.T) {
			data, c := readGolden(t, name)
			got, err := manifest.DecodeService(data)
			if err != nil {
				t.Fatalf("DecodeService: %v", err)
			}
			compareService(t, got, want)
			b, err := manifest.EncodeService(want)
			if err != nil {
				t.Fatalf("EncodeService: %v", err)
			}
			checkBlock(t, b, data, c)
		})
	}
}

func TestGoldenVersionNodes(t *testing.T) {
	for _, name := range keys(goldenVersionNodes) {
		want := goldenVersionNodes[name]
		t.Run(name, func(t *testing.T) {
			data, c := readGolden(t, name)
			got, err := manifest.DecodeVersionNode(data)
			if err != nil {
				t.Fatalf("DecodeVersionNode: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("DecodeVersionNode =\n %+v\nwant\n %+v", got, want)
			}
			if got.IsBranch() != strings.Contains(name, "branch") {
				t.Errorf("IsBranch = %v", got.IsBranch())
			}
			if !got.IsBranch() && manifest.ReleasesSize(want.Releases) != len(data) {
				t.Errorf("ReleasesSize = %d, the block is %d bytes", manifest.ReleasesSize(want.Releases), len(data))
			}
			b, err := manifest.EncodeVersionNode(want)
			if err != nil {
				t.Fatalf("EncodeVersionNode: %v", err)
			}
			checkBlock(t, b, data, c)
		})
	}
}

func compareService(t *testing.T, got, want *manifest.Service) {
	t.Helper()
	if !got.VersionIndex.Equals(want.VersionIndex) {
		t.Errorf("VersionIndex = %v, want %v", got.VersionIndex, want.VersionIndex)
	}
	if got.Name != want.Name {
		t.Errorf("Name = %q, want %q", got.Name, want.Name)
	}
	if !reflect.DeepEqual(got.Tags, want.Tags) {
		t.Errorf("Tags = %v, want %v", got.Tags, want.Tags)
	}
	if g, w := keys(got.Releases), keys(want.Releases); !slices.Equal(g, w) {
		t.Errorf("versions = %q, want %q", g, w)
	}
	for v, w := range want.Releases {
		g, ok := got.Releases[v]
		if ok && !reflect.DeepEqual(g, w) {
			t.Errorf("release %s =\n %s\nwant\n %s", v, describeRelease(g), describeRelease(w))
		}
	}
}

func describeRelease(r manifest.Release) string {
	s := fmt.Sprintf("{Content:%s Size:%d Profile:%q Hidden:%v Published:%s", r.Content, r.Size, r.Profile, r.Hidden, r.Published)
	if r.Yank != nil {
		s += fmt.Sprintf(" Yank:{Reason:%q Time:%s}", r.Yank.Reason, r.Yank.Time)
	}
	return s + "}"
}

// The fixtures link to each other the way a registry's blocks do; the links
// written in the .dag-json files must be the CIDs the generator computed.
func TestGoldenLinksAgree(t *testing.T) {
	cidOf := func(name string) cid.Cid { _, c := readGolden(t, name); return c }
	checks := []struct {
		what      string
		got, want cid.Cid
	}{
		{"manifest-seq1 services", goldenManifests["manifest-seq1"].Services, cidOf("index-empty")},
		{"manifest-seq2 prev", goldenManifests["manifest-seq2"].Prev, cidOf("manifest-seq1")},
		{"manifest-seq2 services", goldenManifests["manifest-seq2"].Services, cidOf("index-leaf")},
		{"index-leaf tts", goldenIndexes["index-leaf"]["tts"], cidOf("service-basic")},
		{"index-leaf player", goldenIndexes["index-leaf"]["player"], cidOf("service-yanked")},
		{"index-leaf b.c_d-e", goldenIndexes["index-leaf"]["b.c_d-e"], cidOf("service-edge")},
		{"index-branch -00", goldenIndexes["index-branch"]["-00"], cidOf("index-leaf")},
		{"index-branch -0a", goldenIndexes["index-branch"]["-0a"], cidOf("index-empty")},
	}
	for _, c := range checks {
		if !c.got.Equals(c.want) {
			t.Errorf("%s = %s, want %s", c.what, c.got, c.want)
		}
	}
	if len(longName) != manifest.MaxNameLen {
		t.Errorf("longName has %d bytes, want %d", len(longName), manifest.MaxNameLen)
	}
}

// ---- A tiny CBOR writer, for hand-made canonical and non-canonical blocks.

func cborHead(major byte, n uint64) []byte {
	major <<= 5
	switch {
	case n < 24:
		return []byte{major | byte(n)}
	case n <= math.MaxUint8:
		return []byte{major | 24, byte(n)}
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16([]byte{major | 25}, uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32([]byte{major | 26}, uint32(n))
	}
	return binary.BigEndian.AppendUint64([]byte{major | 27}, n)
}

func cborUint(n uint64) []byte { return cborHead(0, n) }
func cborNeg(n int64) []byte   { return cborHead(1, uint64(-1-n)) }
func cborText(s string) []byte { return append(cborHead(3, uint64(len(s))), s...) }
func cborBool(b bool) []byte {
	if b {
		return []byte{0xf5}
	}
	return []byte{0xf4}
}

func cborLink(c cid.Cid) []byte {
	raw := append([]byte{0}, c.Bytes()...)
	return append(append([]byte{0xd8, 0x2a}, cborHead(2, uint64(len(raw)))...), raw...)
}

type kv struct {
	k string
	v []byte
}

// cborMap writes a map with its entries in exactly the order given.
func cborMap(entries ...kv) []byte {
	b := cborHead(5, uint64(len(entries)))
	for _, e := range entries {
		b = append(b, cborText(e.k)...)
		b = append(b, e.v...)
	}
	return b
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// lexical returns entries sorted by plain byte order of the keys, the order
// a non-canonical (e.g. JSON-style) encoder would use.
func lexical(entries []kv) []kv {
	out := slices.Clone(entries)
	slices.SortFunc(out, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	return out
}

// seq1Entries is manifest-seq1 in canonical (length-first) key order,
// written out by hand.
func seq1Entries() []kv {
	return []kv{
		{"seq", cborUint(1)},
		{"time", cborUint(1767225600)},
		{"change", cborText("init")},
		{"format", cborUint(1)},
		{"registry", cborText(goldenRegistry)},
		{"releases", cborUint(0)},
		{"services", cborLink(cidIndexEmpty)},
	}
}

func reversed(entries []kv) []kv {
	out := slices.Clone(entries)
	slices.Reverse(out)
	return out
}

func replaceKV(entries []kv, k string, v []byte) []kv {
	out := slices.Clone(entries)
	for i := range out {
		if out[i].k == k {
			out[i].v = v
			return out
		}
	}
	panic("no key " + k)
}

func withoutKV(entries []kv, k string) []kv {
	return slices.DeleteFunc(slices.Clone(entries), func(e kv) bool { return e.k == k })
}

// insertKV adds k at index i.
func insertKV(entries []kv, i int, k string, v []byte) []kv {
	return slices.Insert(slices.Clone(entries), i, kv{k, v})
}

// releaseEntries writes a Release map in canonical key order: size, hidden,
// yanked, content, profile, published.
func releaseEntries(r manifest.Release) []kv {
	es := []kv{{"size", cborUint(r.Size)}, {"hidden", cborBool(r.Hidden)}}
	if r.Yank != nil {
		es = append(es, kv{"yanked", cborMap(kv{"time", cborUint(uint64(r.Yank.Time.Unix()))}, kv{"reason", cborText(r.Yank.Reason)})})
	}
	return append(es,
		kv{"content", cborLink(r.Content)},
		kv{"profile", cborText(r.Profile)},
		kv{"published", cborUint(uint64(r.Published.Unix()))})
}

// edgeService writes service-edge by hand; the maps' canonical orders are
// spelled out, with tags and versions given as arguments.
func edgeService(tags, versions []kv) []byte {
	return cborMap(
		kv{"name", cborText("b.c_d-e")},
		kv{"tags", cborMap(tags...)},
		kv{"versions", cborMap(versions...)},
	)
}

func edgeVersions() []kv {
	rs := goldenServices["service-edge"].Releases
	return []kv{
		{"1.0.0+build.5", cborMap(releaseEntries(rs["1.0.0+build.5"])...)},
		{"1.0.0-alpha.beta.11", cborMap(releaseEntries(rs["1.0.0-alpha.beta.11"])...)},
	}
}

func edgeTags() []kv {
	return []kv{
		{"next", cborText("1.0.0-alpha.beta.11")},
		{"latest", cborText("1.0.0+build.5")},
	}
}

func leafEntries() []kv {
	ix := goldenIndexes["index-leaf"]
	order := []string{"a", "zz", "tts", "0day", "player", "b.c_d-e", "_internal",
		"abcdefghijklmnopqrstuvw", "abcdefghijklmnopqrstuvwx", longName}
	var es []kv
	for _, k := range order {
		es = append(es, kv{k, cborLink(ix[k])})
	}
	return es
}

// The hand-made CBOR writer agrees with @ipld/dag-cbor on the fixtures, so
// the variants below differ from canonical blocks only where they say.
func TestHandWrittenCBORMatchesGoldens(t *testing.T) {
	for name, b := range map[string][]byte{
		"manifest-seq1": cborMap(seq1Entries()...),
		"service-edge":  edgeService(edgeTags(), edgeVersions()),
		"index-leaf":    cborMap(leafEntries()...),
	} {
		data, _ := readGolden(t, name)
		if !bytes.Equal(b, data) {
			t.Errorf("%s: hand-written CBOR\n %x\ndiffers from the golden\n %x", name, b, data)
		}
	}
}

type rejectCase struct {
	name string
	data []byte
	want error // the sentinel errors.Is must find
	not  error // a sentinel it must not find (nil: no check)
}

func checkRejects(t *testing.T, decode func([]byte) error, cases []rejectCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := decode(c.data)
			if err == nil {
				t.Fatalf("accepted %x", c.data)
			}
			if !errors.Is(err, c.want) {
				t.Errorf("error %q does not wrap %q", err, c.want)
			}
			if c.not != nil && errors.Is(err, c.not) {
				t.Errorf("error %q wraps %q", err, c.not)
			}
		})
	}
}

func TestDecodeManifestRejects(t *testing.T) {
	canon := seq1Entries()
	seq2 := replaceKV(insertKV(canon, 1, "prev", cborLink(cidManifestSeq1)), "seq", cborUint(2))
	if _, err := manifest.DecodeManifest(cborMap(seq2...)); err != nil {
		t.Fatalf("seq 2 variant: %v", err) // the base of the cases below must be valid
	}
	golden, _ := readGolden(t, "manifest-seq1")
	nonMinimalMapHead := append([]byte{0xb8, byte(len(canon))}, cborMap(canon...)[1:]...)
	indefinite := append(append([]byte{0xbf}, cborMap(canon...)[1:]...), 0xff)
	nonMinimalKey := cborMap(canon...)
	nonMinimalKey = cat(nonMinimalKey[:1], []byte{0x78, 3}, nonMinimalKey[2:]) // "seq" with a 1-byte length
	dupSeq := cborMap(insertKV(canon, 1, "seq", cborUint(1))...)
	float := replaceKV(canon, "seq", []byte{0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0})

	checkRejects(t, func(b []byte) error { _, err := manifest.DecodeManifest(b); return err }, []rejectCase{
		// Canonical-form violations that still decode: re-encoding differs.
		{"keys in lexical order", cborMap(lexical(canon)...), manifest.ErrNotCanonical, nil},
		{"seq2 keys in lexical order", cborMap(lexical(seq2)...), manifest.ErrNotCanonical, nil},
		{"keys reversed", cborMap(reversed(canon)...), manifest.ErrNotCanonical, nil},
		// go-ipld-prime's strict decoder refuses these outright.
		{"non-minimal integer", cborMap(replaceKV(canon, "seq", []byte{0x18, 0x01})...), manifest.ErrInvalidManifest, manifest.ErrNotCanonical},
		{"non-minimal 8-byte integer", cborMap(replaceKV(canon, "time", cat([]byte{0x1b, 0, 0, 0, 0}, binary.BigEndian.AppendUint32(nil, 1767225600)))...), manifest.ErrInvalidManifest, manifest.ErrNotCanonical},
		{"non-minimal map length", nonMinimalMapHead, manifest.ErrInvalidManifest, manifest.ErrNotCanonical},
		{"non-minimal key length", nonMinimalKey, manifest.ErrInvalidManifest, manifest.ErrNotCanonical},
		{"indefinite-length map", indefinite, manifest.ErrInvalidManifest, nil},
		{"duplicate key", dupSeq, manifest.ErrInvalidManifest, nil},
		{"trailing byte", append(slices.Clone(golden), 0), manifest.ErrInvalidManifest, nil},
		{"truncated", golden[:len(golden)-1], manifest.ErrInvalidManifest, nil},
		{"empty input", nil, manifest.ErrInvalidManifest, nil},
		{"not a map", cborUint(1), manifest.ErrInvalidManifest, nil},
		// Schema violations.
		{"missing field", cborMap(withoutKV(canon, "change")...), manifest.ErrInvalidManifest, nil},
		{"unknown field", cborMap(insertKV(canon, 0, "x", cborUint(1))...), manifest.ErrInvalidManifest, nil},
		{"float for int", cborMap(float...), manifest.ErrInvalidManifest, nil},
		{"link as string", cborMap(replaceKV(canon, "services", cborText(cidIndexEmpty.String()))...), manifest.ErrInvalidManifest, nil},
		{"link as untagged bytes", cborMap(replaceKV(canon, "services", cat(cborHead(2, uint64(len(cidIndexEmpty.Bytes())+1)), []byte{0}, cidIndexEmpty.Bytes()))...), manifest.ErrInvalidManifest, nil},
		{"null prev", cborMap(insertKV(canon, 1, "prev", []byte{0xf6})...), manifest.ErrInvalidManifest, nil},
		// Format rules.
		{"format 3", cborMap(replaceKV(canon, "format", cborUint(3))...), manifest.ErrInvalidManifest, nil},
		{"format 0", cborMap(replaceKV(canon, "format", cborUint(0))...), manifest.ErrInvalidManifest, nil},
		{"seq 0", cborMap(replaceKV(canon, "seq", cborUint(0))...), manifest.ErrInvalidManifest, nil},
		{"seq -1", cborMap(replaceKV(canon, "seq", cborNeg(-1))...), manifest.ErrInvalidManifest, nil},
		{"seq 1 with prev", cborMap(insertKV(canon, 1, "prev", cborLink(cidManifestSeq1))...), manifest.ErrInvalidManifest, nil},
		{"seq 2 without prev", cborMap(replaceKV(canon, "seq", cborUint(2))...), manifest.ErrInvalidManifest, nil},
		{"negative releases", cborMap(replaceKV(canon, "releases", cborNeg(-1))...), manifest.ErrInvalidManifest, nil},
		{"empty registry", cborMap(replaceKV(canon, "registry", cborText(""))...), manifest.ErrInvalidManifest, nil},
		{"too large", make([]byte, manifest.MaxBlockSize+1), manifest.ErrBlockTooLarge, nil},
	})
}

func TestDecodeServiceRejects(t *testing.T) {
	versions, tags := edgeVersions(), edgeTags()
	rel := func(v string, mod func(*manifest.Release)) []kv {
		r := goldenServices["service-edge"].Releases[v]
		mod(&r)
		out := slices.Clone(versions)
		for i := range out {
			if out[i].k == v {
				out[i].v = cborMap(releaseEntries(r)...)
			}
		}
		return out
	}
	lexicalRelease := slices.Clone(versions)
	lexicalRelease[0].v = cborMap(lexical(releaseEntries(goldenServices["service-edge"].Releases["1.0.0+build.5"]))...)
	negSize := slices.Clone(versions)
	negSize[0].v = cborMap(replaceKV(releaseEntries(goldenServices["service-edge"].Releases["1.0.0+build.5"]), "size", cborNeg(-5))...)
	mixedOrder := []kv{versions[1], versions[0]}

	checkRejects(t, func(b []byte) error { _, err := manifest.DecodeService(b); return err }, []rejectCase{
		{"tags in lexical order", edgeService(lexical(tags), versions), manifest.ErrNotCanonical, nil},
		{"versions out of order", edgeService(tags, mixedOrder), manifest.ErrNotCanonical, nil},
		{"release fields in lexical order", edgeService(tags, lexicalRelease), manifest.ErrNotCanonical, nil},
		{"top-level fields reversed", cborMap(
			kv{"versions", cborMap(versions...)}, kv{"tags", cborMap(tags...)}, kv{"name", cborText("b.c_d-e")}),
			manifest.ErrNotCanonical, nil},
		{"duplicate version", edgeService(tags, append(slices.Clone(versions), versions[1])), manifest.ErrInvalidManifest, nil},
		{"tag to missing version", edgeService([]kv{{"next", cborText("9.9.9")}, tags[1]}, versions), manifest.ErrInvalidManifest, nil},
		{"tag that reads as a range", edgeService([]kv{{"1.x", cborText("1.0.0+build.5")}, tags[1]}, versions), manifest.ErrInvalidManifest, nil},
		{"bad version key", edgeService(tags, insertKV(versions, 0, "01.0.0", versions[0].v)), manifest.ErrInvalidManifest, nil},
		{"partial version key", edgeService(tags, insertKV(versions, 0, "1.0", versions[0].v)), manifest.ErrInvalidManifest, nil},
		{"bad name", cborMap(kv{"name", cborText("B.c")}, kv{"tags", cborMap(tags...)}, kv{"versions", cborMap(versions...)}), manifest.ErrInvalidManifest, nil},
		{"empty name", cborMap(kv{"name", cborText("")}, kv{"tags", cborMap(tags...)}, kv{"versions", cborMap(versions...)}), manifest.ErrInvalidManifest, nil},
		{"negative size", edgeService(tags, negSize), manifest.ErrInvalidManifest, nil},
		{"size over 2^62", edgeService(tags, rel("1.0.0+build.5", func(r *manifest.Release) { r.Size = 1<<62 + 1 })), manifest.ErrInvalidManifest, nil},
		{"empty profile", edgeService(tags, rel("1.0.0+build.5", func(r *manifest.Release) { r.Profile = "" })), manifest.ErrInvalidManifest, nil},
		{"missing tags", cborMap(kv{"name", cborText("b.c_d-e")}, kv{"versions", cborMap(versions...)}), manifest.ErrInvalidManifest, nil},
		{"too large", make([]byte, manifest.MaxBlockSize+1), manifest.ErrBlockTooLarge, nil},
	})
}

func TestDecodeIndexRejects(t *testing.T) {
	canon := leafEntries()
	golden, _ := readGolden(t, "index-leaf")
	link := cborLink(cidOtherA)
	noPrefix := cat([]byte{0xd8, 0x2a}, cborHead(2, uint64(len(cidOtherA.Bytes()))), cidOtherA.Bytes())
	untagged := cat(cborHead(2, uint64(len(cidOtherA.Bytes())+1)), []byte{0}, cidOtherA.Bytes())
	nonMinimalMapHead := append([]byte{0xb8, byte(len(canon))}, cborMap(canon...)[1:]...)
	nonMinimalKey := cborMap(canon...)
	nonMinimalKey = cat(nonMinimalKey[:1], []byte{0x78, 1}, nonMinimalKey[2:]) // "a" with a 1-byte length
	// A CID short enough (7 bytes with its 0x00 prefix) for a 1-byte head.
	short := cid.NewCidV1(cid.Raw, mustIdentity([]byte("hi")))
	if n := len(short.Bytes()) + 1; n >= 24 {
		t.Fatalf("short CID has %d bytes", n)
	}
	nonMinimalLink := cat([]byte{0xd8, 0x2a, 0x58, byte(len(short.Bytes()) + 1), 0}, short.Bytes())
	if _, err := manifest.DecodeIndex(cborMap(kv{"a", cborLink(short)})); err != nil {
		t.Fatalf("minimal form of the short link: %v", err)
	}
	bigTag := cat([]byte{0xd9, 0x00, 0x2a}, cborLink(cidOtherA)[2:])
	trailingCIDByte := cat([]byte{0xd8, 0x2a}, cborHead(2, uint64(len(cidOtherA.Bytes())+2)), []byte{0}, cidOtherA.Bytes(), []byte{0})

	checkRejects(t, func(b []byte) error { _, err := manifest.DecodeIndex(b); return err }, []rejectCase{
		{"keys in lexical order", cborMap(lexical(canon)...), manifest.ErrNotCanonical, nil},
		{"two keys swapped", cborMap(append([]kv{canon[1], canon[0]}, canon[2:]...)...), manifest.ErrNotCanonical, nil},
		{"branch keys out of order", cborMap(kv{"-0a", link}, kv{"-00", link}), manifest.ErrNotCanonical, nil},
		{"non-minimal map length", nonMinimalMapHead, manifest.ErrInvalidManifest, manifest.ErrNotCanonical},
		{"non-minimal key length", nonMinimalKey, manifest.ErrInvalidManifest, manifest.ErrNotCanonical},
		{"non-minimal link length", cborMap(kv{"a", nonMinimalLink}), manifest.ErrInvalidManifest, manifest.ErrNotCanonical},
		{"non-minimal tag", cborMap(kv{"a", bigTag}), manifest.ErrInvalidManifest, manifest.ErrNotCanonical},
		{"indefinite-length map", append(append([]byte{0xbf}, cborMap(canon...)[1:]...), 0xff), manifest.ErrInvalidManifest, nil},
		{"trailing byte", append(slices.Clone(golden), 0), manifest.ErrInvalidManifest, nil},
		{"truncated", golden[:len(golden)-1], manifest.ErrInvalidManifest, nil},
		{"more entries than bytes", []byte{0xba, 0xff, 0xff, 0xff, 0xff}, manifest.ErrInvalidManifest, nil},
		{"empty input", nil, manifest.ErrInvalidManifest, nil},
		{"not a map", []byte{0x80}, manifest.ErrInvalidManifest, nil},
		{"link without multibase prefix", cborMap(kv{"a", noPrefix}), manifest.ErrInvalidManifest, nil},
		{"link as untagged bytes", cborMap(kv{"a", untagged}), manifest.ErrInvalidManifest, nil},
		{"link with a trailing byte", cborMap(kv{"a", trailingCIDByte}), manifest.ErrInvalidManifest, nil},
		{"value is a string", cborMap(kv{"a", cborText(cidOtherA.String())}), manifest.ErrInvalidManifest, nil},
		{"byte-string key", cat([]byte{0xa1, 0x41, 'a'}, link), manifest.ErrInvalidManifest, nil},
		{"names and shard keys mixed", cborMap(kv{"a", link}, kv{"-00", link}), manifest.ErrInvalidManifest, nil},
		{"upper-case shard key", cborMap(kv{"-0A", link}), manifest.ErrInvalidManifest, nil},
		{"non-hex shard key", cborMap(kv{"-0g", link}), manifest.ErrInvalidManifest, nil},
		{"long shard key", cborMap(kv{"-000", link}), manifest.ErrInvalidManifest, nil},
		{"short shard key", cborMap(kv{"-0", link}), manifest.ErrInvalidManifest, nil},
		{"bare dash", cborMap(kv{"-", link}), manifest.ErrInvalidManifest, nil},
		{"invalid name", cborMap(kv{"Tts", link}), manifest.ErrInvalidManifest, nil},
		{"name too long", cborMap(kv{longName + "z", link}), manifest.ErrInvalidManifest, nil},
		{"empty key", cborMap(kv{"", link}), manifest.ErrInvalidManifest, nil},
		{"too large", make([]byte, manifest.MaxBlockSize+1), manifest.ErrBlockTooLarge, nil},
	})

	// A repeated key is refused; the hand-written index codec calls it
	// non-canonical (keys not strictly ascending), go-ipld-prime's decoder
	// (behind the other block types) a malformed block. Either is a refusal.
	_, err := manifest.DecodeIndex(cborMap(kv{"a", link}, kv{"a", link}))
	if !errors.Is(err, manifest.ErrNotCanonical) && !errors.Is(err, manifest.ErrInvalidManifest) {
		t.Errorf("duplicate key: %v", err)
	}
}

func TestEncodeRejects(t *testing.T) {
	base := *goldenManifests["manifest-seq2"]
	man := func(mod func(*manifest.Manifest)) *manifest.Manifest { m := base; mod(&m); return &m }
	for name, m := range map[string]*manifest.Manifest{
		"empty registry":     man(func(m *manifest.Manifest) { m.Registry = "" }),
		"seq 0":              man(func(m *manifest.Manifest) { m.Seq = 0; m.Prev = cid.Undef }),
		"seq 1 with prev":    man(func(m *manifest.Manifest) { m.Seq = 1 }),
		"seq 2 without prev": man(func(m *manifest.Manifest) { m.Prev = cid.Undef }),
		"no services":        man(func(m *manifest.Manifest) { m.Services = cid.Undef }),
	} {
		if _, err := manifest.EncodeManifest(m); !errors.Is(err, manifest.ErrInvalidManifest) {
			t.Errorf("EncodeManifest %s: %v, want ErrInvalidManifest", name, err)
		}
	}

	svc := func(mod func(*manifest.Service)) *manifest.Service {
		g := goldenServices["service-basic"]
		s := &manifest.Service{Name: g.Name, Releases: map[string]manifest.Release{}, Tags: map[string]string{}}
		for k, v := range g.Releases {
			s.Releases[k] = v
		}
		for k, v := range g.Tags {
			s.Tags[k] = v
		}
		mod(s)
		return s
	}
	for name, s := range map[string]*manifest.Service{
		"bad name":          svc(func(s *manifest.Service) { s.Name = "Tts" }),
		"bad version":       svc(func(s *manifest.Service) { s.Releases["v1.2.0"] = s.Releases["1.0.0"] }),
		"partial version":   svc(func(s *manifest.Service) { s.Releases["1.2"] = s.Releases["1.0.0"] }),
		"tag to nowhere":    svc(func(s *manifest.Service) { s.Tags["beta"] = "2.0.0" }),
		"tag is a range":    svc(func(s *manifest.Service) { s.Tags["1"] = "1.0.0" }),
		"no content":        svc(func(s *manifest.Service) { r := s.Releases["1.0.0"]; r.Content = cid.Undef; s.Releases["1.0.0"] = r }),
		"no profile":        svc(func(s *manifest.Service) { r := s.Releases["1.0.0"]; r.Profile = ""; s.Releases["1.0.0"] = r }),
		"size out of range": svc(func(s *manifest.Service) { r := s.Releases["1.0.0"]; r.Size = math.MaxUint64; s.Releases["1.0.0"] = r }),
	} {
		if _, err := manifest.EncodeService(s); !errors.Is(err, manifest.ErrInvalidManifest) {
			t.Errorf("EncodeService %s: %v, want ErrInvalidManifest", name, err)
		}
	}

	for name, entries := range map[string]map[string]cid.Cid{
		"undefined cid": {"a": cid.Undef},
		"mixed keys":    {"a": cidOtherA, "-00": cidOtherA},
		"bad name":      {"A": cidOtherA},
		"bad shard key": {"-0x": cidOtherA},
	} {
		if _, err := manifest.EncodeIndex(manifest.Index{Entries: entries}); !errors.Is(err, manifest.ErrInvalidManifest) {
			t.Errorf("EncodeIndex %s: %v, want ErrInvalidManifest", name, err)
		}
	}
}

// Whatever EncodeManifest accepts, DecodeManifest must read back to the
// same value: otherwise a registry could publish a state nobody can read.
func TestEncodeManifestOnlyWritesReadableBlocks(t *testing.T) {
	base := *goldenManifests["manifest-seq2"]
	for _, tc := range []struct {
		name string
		mod  func(*manifest.Manifest)
	}{
		{"max seq", func(m *manifest.Manifest) { m.Seq = math.MaxInt64 }},
		{"seq over int64", func(m *manifest.Manifest) { m.Seq = math.MaxInt64 + 1 }},
		{"max releases", func(m *manifest.Manifest) { m.Releases = math.MaxInt64 }},
		{"releases over int64", func(m *manifest.Manifest) { m.Releases = math.MaxUint64 }},
		{"negative time", func(m *manifest.Manifest) { m.Time = unix(-1) }},
		{"zero time", func(m *manifest.Manifest) { m.Time = time.Time{} }},
		{"empty change", func(m *manifest.Manifest) { m.Change = "" }},
		{"CIDv0 services", func(m *manifest.Manifest) { m.Services = cidDirV0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base
			tc.mod(&m)
			b, err := manifest.EncodeManifest(&m)
			if err != nil {
				if !errors.Is(err, manifest.ErrInvalidManifest) {
					t.Errorf("EncodeManifest: %v does not wrap ErrInvalidManifest", err)
				}
				return
			}
			got, err := manifest.DecodeManifest(b.Data)
			if err != nil {
				t.Fatalf("EncodeManifest wrote a block DecodeManifest refuses: %v", err)
			}
			if !reflect.DeepEqual(*got, m) {
				t.Errorf("round trip:\n got %+v\nwant %+v", *got, m)
			}
		})
	}
}

func mustIdentity(data []byte) multihash.Multihash {
	mh, err := multihash.Sum(data, multihash.IDENTITY, -1)
	if err != nil {
		panic(err)
	}
	return mh
}

func TestCheckBlockMismatch(t *testing.T) {
	data, c := readGolden(t, "manifest-seq1")
	other, _ := readGolden(t, "manifest-seq2")
	if err := manifest.CheckBlock(c, other); !errors.Is(err, manifest.ErrCIDMismatch) {
		t.Errorf("CheckBlock with other bytes: %v, want ErrCIDMismatch", err)
	}
	b, err := manifest.NewBlock(data)
	if err != nil || !b.CID.Equals(c) {
		t.Errorf("NewBlock = %v, %v; want %s", b.CID, err, c)
	}
	// A CIDv0 (dag-pb, sha2-256) is checked with its own prefix.
	if err := manifest.CheckBlock(cidDirV0, data); !errors.Is(err, manifest.ErrCIDMismatch) {
		t.Errorf("CheckBlock with a CIDv0: %v, want ErrCIDMismatch", err)
	}
}
