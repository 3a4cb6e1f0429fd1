package manifest_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// A project file asks for ranges and tags; DecodeProject parses each with
// ParseSpec.
func ExampleDecodeProject() {
	p, err := manifest.DecodeProject(strings.NewReader(`{
  "registry": "k51qzi5uqu5dkvlw96qo5an078oae3hglhzk1a81bijbifqli1l3qg3762f7bp",
  "services": {"tts": "^1.0.0", "player": "latest"}
}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Services["tts"], p.Services["player"].Tag)
	_, err = manifest.DecodeProject(strings.NewReader(`{"registry": "k51a", "servics": {}}`))
	fmt.Println(err)
	// Output:
	// tts@^1.0.0 latest
	// invalid project file: line 1: the project file: unknown field "servics" (known: gateways, registry, root, services)
}

// The canonical lockfile: keys in bytewise order, one block per service,
// links as DAG-JSON links.
func ExampleEncodeLock() {
	l := &manifest.Lock{
		Registry: "k51qzi5uqu5dkvlw96qo5an078oae3hglhzk1a81bijbifqli1l3qg3762f7bp",
		Root:     cid.MustParse("bafyreidbmm7bptwk747kdukmfcgtawpab5wsuhsacgcn56bdjwd6ny6wia"),
		Seq:      2,
		Services: map[manifest.Name]manifest.LockEntry{
			"tts": {
				Range: "^1.0.0", Version: manifest.MustParseVersion("1.0.1"), Size: 28, Profile: "unixfs-v1-2025",
				CID: cid.MustParse("bafybeic7unhmklsa3kyonkjtr6mzswtda65dwlichmcp5w4geix4i2kcfa"),
			},
		},
	}
	if err := manifest.EncodeLock(os.Stdout, l); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {
	//   "lockfileVersion": 1,
	//   "registry": "k51qzi5uqu5dkvlw96qo5an078oae3hglhzk1a81bijbifqli1l3qg3762f7bp",
	//   "root": {"/": "bafyreidbmm7bptwk747kdukmfcgtawpab5wsuhsacgcn56bdjwd6ny6wia"},
	//   "seq": 2,
	//   "services": {
	//     "tts": {
	//       "cid": {"/": "bafybeic7unhmklsa3kyonkjtr6mzswtda65dwlichmcp5w4geix4i2kcfa"},
	//       "hidden": false,
	//       "profile": "unixfs-v1-2025",
	//       "range": "^1.0.0",
	//       "size": 28,
	//       "version": "1.0.1"
	//     }
	//   }
	// }
}
