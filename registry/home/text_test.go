package home_test

import (
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	svchome "github.com/svcreg/svcreg/registry/home"
)

// The plain-text forms print what svcreg remote ls and import print
// without --json.
func TestHomeText(t *testing.T) {
	c := cid.MustParse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
	adopted := car.Adoption{Registry: "k51x", Outcome: car.Adopted, Head: registry.Head{Name: "k51x", Root: c, Seq: 4}}
	for _, tt := range []struct {
		name, got, want string
	}{
		{"remote", svchome.RemoteInfo{Name: "main", Registry: "k51x", Gateways: []string{}}.String(), "main k51x"},
		{"remote default", svchome.RemoteInfo{Name: "main", Registry: "k51x", Gateways: []string{"http://a", "http://b"}, Default: true}.String(),
			"main k51x http://a http://b (default)"},
		{"import", (&svchome.Imported{File: "reg.car", Contents: car.Contents{Blocks: 3, Bytes: 100}, Registries: []car.Adoption{adopted}}).Text(),
			"imported 3 blocks (100 B) from reg.car\nk51x: " + adopted.Note() + "\n"},
		{"import of blocks", (&svchome.Imported{File: "-", Contents: car.Contents{Blocks: 1, Bytes: 2048}}).Text(),
			"imported 1 blocks (2.0 KiB) from -\nno registry state among the roots: blocks stored\n"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s:\n%q\nwant\n%q", tt.name, tt.got, tt.want)
		}
	}
}
