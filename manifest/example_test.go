package manifest_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// The expected output of these examples was not produced by running them:
// CIDs and sizes come from the JavaScript @ipld/dag-cbor golden fixtures
// (testdata/golden), shard keys from `printf NAME | sha256sum`, and
// resolutions from the SemVer rules.

// A registry's first state, in the current format (2). Its CID is the one
// @ipld/dag-cbor gives for testdata/golden/manifest-format2.dag-json.
func ExampleEncodeManifest() {
	m := &manifest.Manifest{
		Registry: "k51qzi5uqu5dkvlw96qo5an078oae3hglhzk1a81bijbifqli1l3qg3762f7bp",
		Seq:      1,
		Time:     time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Change:   "init",
		// The CID of the empty ServiceIndex, {}.
		Services: cid.MustParse("bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua"),
	}
	b, err := manifest.EncodeManifest(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.CID)
	fmt.Println(len(b.Data), "bytes")
	// Output:
	// bafyreifdsnazamfd3b5a22nq7e5qoxilppkfumyyccaerh3pdy7axcuhre
	// 169 bytes
}

// An empty service index is the empty DAG-CBOR map, a single byte.
func ExampleEncodeIndex() {
	b, err := manifest.EncodeIndex(manifest.Index{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %x\n", b.CID, b.Data)
	// Output:
	// bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua a0
}

// A branch of the service index files a name under byte <depth> of
// sha256(name); sha256("tts") begins 31 7e.
func ExampleShardKey() {
	fmt.Println(manifest.ShardKey("tts", 0), manifest.ShardKey("tts", 1), manifest.ShardKey("player", 0))
	// Output:
	// -31 -7e -cd
}

func ExampleParseSpec() {
	for _, s := range []string{"tts", "tts@^1.2.0", " tts@beta ", "tts@1.0.0", "tts@>=1.0.0 <2.0.0-0", "tts@", "TTS@1"} {
		sp, err := manifest.ParseSpec(s)
		if err != nil {
			fmt.Printf("%q: invalid spec %v, invalid name %v\n", s, errors.Is(err, manifest.ErrInvalidSpec), errors.Is(err, manifest.ErrInvalidName))
			continue
		}
		_, exact := sp.Range.Exact()
		fmt.Printf("%q: name %s, tag %q, range %q, exact %v\n", s, sp.Name, sp.Tag, sp.Range.String(), exact)
	}
	// Output:
	// "tts": name tts, tag "", range "", exact false
	// "tts@^1.2.0": name tts, tag "", range "^1.2.0", exact false
	// " tts@beta ": name tts, tag "beta", range "", exact false
	// "tts@1.0.0": name tts, tag "", range "1.0.0", exact true
	// "tts@>=1.0.0 <2.0.0-0": name tts, tag "", range ">=1.0.0 <2.0.0-0", exact false
	// "tts@": invalid spec true, invalid name false
	// "TTS@1": invalid spec false, invalid name true
}

// Resolving against the service of testdata/golden/service-yanked: player
// has 0.9.0 (yanked), 1.0.0 and 1.1.0-beta.1, tagged latest and beta.
func ExampleService_Resolve() {
	data, err := os.ReadFile("testdata/golden/service-yanked.dagcbor")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := manifest.DecodeService(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, q := range []string{"player", "player@^1", "player@beta", "player@latest", "player@0.9.0", "player@~0.9", "player@^2"} {
		sp, err := manifest.ParseSpec(q)
		if err != nil {
			fmt.Println(err)
			return
		}
		v, r, err := s.Resolve(sp)
		switch {
		case errors.Is(err, manifest.ErrNoMatch):
			fmt.Printf("%s: no match\n", q)
		case err != nil:
			fmt.Printf("%s: %v\n", q, err)
		default:
			fmt.Printf("%s: %s %s yanked=%v\n", q, v, r.Content, r.Yanked())
		}
	}
	// Output:
	// player: 1.0.0 bafybeic7unhmklsa3kyonkjtr6mzswtda65dwlichmcp5w4geix4i2kcfa yanked=false
	// player@^1: 1.0.0 bafybeic7unhmklsa3kyonkjtr6mzswtda65dwlichmcp5w4geix4i2kcfa yanked=false
	// player@beta: 1.1.0-beta.1 bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku yanked=false
	// player@latest: 1.0.0 bafybeic7unhmklsa3kyonkjtr6mzswtda65dwlichmcp5w4geix4i2kcfa yanked=false
	// player@0.9.0: 0.9.0 QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn yanked=true
	// player@~0.9: no match
	// player@^2: no match
}
