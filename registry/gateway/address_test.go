package gateway_test

import (
	"errors"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/gateway"
)

func TestEncodeQuery(t *testing.T) {
	tests := []struct {
		pairs []string
		want  string
		ok    bool
	}{
		{nil, "", true},
		{[]string{"say=hello"}, "say=hello", true},
		{[]string{"say=hello wörld"}, "say=hello%20w%C3%B6rld", true},
		{[]string{"b=2", "a=1"}, "b=2&a=1", true}, // order kept
		{[]string{"a=x=y&z"}, "a=x%3Dy%26z", true},
		{[]string{"k=a+b"}, "k=a%2Bb", true},
		{[]string{"k="}, "k=", true},
		{[]string{"k #=v/?"}, "k%20%23=v%2F%3F", true},
		{[]string{"novalue"}, "", false},
		{[]string{"=v"}, "", false},
	}
	for _, tt := range tests {
		got, err := gateway.EncodeQuery(tt.pairs)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("EncodeQuery(%q) = %q, %v; want %q (ok %v)", tt.pairs, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "http://127.0.0.1:8080", true},
		{"http://localhost:8080", "http://localhost:8080", true},
		{"https://gw.example/base/", "https://gw.example/base/", true},
		{"ftp://gw.example", "", false},
		{"gw.example:8080", "", false},
		{"http://", "", false},
		{"http://gw.example/?a=b", "", false},
		{"http://gw.example/#x", "", false},
	}
	for _, tt := range tests {
		u, err := gateway.ParseBaseURL(tt.in)
		if (err == nil) != tt.ok || (err == nil && u.String() != tt.want) {
			t.Errorf("ParseBaseURL(%q) = %v, %v; want %q (ok %v)", tt.in, u, err, tt.want, tt.ok)
		}
	}
}

// ReleaseURL writes a release's origin, its content's, or either path
// under the gateway, with the query and fragment given.
func TestReleaseURL(t *testing.T) {
	reg := seedKey(t, 91).RegistryName()
	content := cid.MustParse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
	info := registry.ReleaseInfo{Service: "say", Version: manifest.MustParseVersion("1.2.0"), Release: manifest.Release{Content: content},
		Path: "/ipns/" + reg.String() + "/services/say/versions/1.2.0/content/"}
	for _, tt := range []struct {
		base string
		opt  gateway.AddressOptions
		want string
		err  error
	}{
		{"http://127.0.0.1:8080", gateway.AddressOptions{Query: "say=hello%20w", Fragment: "#/intro"},
			"http://1-2-0.say." + reg.String() + ".svc.localhost:8080/?say=hello%20w#/intro", nil},
		{"https://gw.example", gateway.AddressOptions{Immutable: true}, "https://" + content.String() + ".ipfs.gw.example/", nil},
		{"https://gw.example/base/", gateway.AddressOptions{Path: true}, "https://gw.example/base" + info.Path, nil},
		{"https://gw.example", gateway.AddressOptions{Path: true, Immutable: true}, "https://gw.example/ipfs/" + content.String() + "/", nil},
		{"http://192.0.2.7:8080", gateway.AddressOptions{}, "", gateway.ErrIPGateway},
		{"https://gw.example/base/", gateway.AddressOptions{}, "", gateway.ErrGatewayPath},
	} {
		base, err := gateway.ParseBaseURL(tt.base)
		if err != nil {
			t.Fatal(err)
		}
		got, err := gateway.ReleaseURL(base, reg, info, tt.opt)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("ReleaseURL(%s, %+v) = %q, %v; want %q, %v", tt.base, tt.opt, got, err, tt.want, tt.err)
		}
	}
}
