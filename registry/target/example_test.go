package target_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/target"
)

// A registry named by a remote's NAME, an IPNS name in another spelling,
// and a domain whose DNSLink (here from the static map that
// SVCREG_NS_MAP sets, so no DNS is asked) gives its name.
func ExampleResolver_Resolve() {
	main, _ := target.New(target.Config{}).Name(context.Background(), "12D3KooWF2qZqWs6omtoj83tTdsnAjJ7GA2pwH814Xb7F4Kew1LJ")
	r := target.New(target.Config{
		Remotes: func() (target.Remotes, error) {
			return target.Remotes{Named: map[string]target.Remote{
				"main": {Name: main, Gateways: []string{"https://gw.example"}},
			}}, nil
		},
		DNSLink: dnslink.Config{NSMap: "registry.example.com:/ipns/k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8"},
	})
	for _, s := range []string{"main", "/ipns/k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8", "registry.example.com", "nosuch"} {
		t, err := r.Resolve(context.Background(), s)
		switch {
		case errors.Is(err, target.ErrInvalidTarget):
			fmt.Printf("%s: %v\n", s, target.ErrInvalidTarget)
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Printf("%s: %s remote=%q domain=%q gateways=%v\n", s, t.Name, t.Remote, t.Domain, t.Gateways)
		}
	}
	// Output:
	// main: k51qzi5uqu5di4449zuks6ggk6glaq1qltcn7bvpuyi4q2e6w5bynsqvif5l3z remote="main" domain="" gateways=[https://gw.example]
	// /ipns/k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8: k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8 remote="" domain="" gateways=[]
	// registry.example.com: k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8 remote="" domain="registry.example.com" gateways=[]
	// nosuch: neither a remote nor a registry name
}
