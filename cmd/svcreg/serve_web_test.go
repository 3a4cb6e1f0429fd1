package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/path"
	"github.com/ipfs/go-cid"
	ic "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/svcreg/svcreg/internal/dnstest"
)

// TestServeWeb runs `svcreg serve --subdomain-host example.com
// --dns-resolver ADDR` with SVCREG_NS_MAP set, against a real DNS server
// on loopback: range URLs redirect to the release's origin, which serves
// it; DNSLink names from DNS and from the map are served; a record of a
// name the home does not follow is kept in records/; / is the browse page.
func TestServeWeb(t *testing.T) {
	dns := dnstest.Start(t)
	home := initHome(t)
	site := t.TempDir()
	if err := os.WriteFile(filepath.Join(site, "index.html"), []byte("web"), 0o644); err != nil {
		t.Fatal(err)
	}
	content := strings.Fields(svcregProc(t, home, "publish", "web@1.2.0", site))[1]
	var head struct{ Name string }
	if err := json.Unmarshal([]byte(svcregProc(t, home, "name", "--json")), &head); err != nil {
		t.Fatal(err)
	}
	name := head.Name
	dns.SetTXT("_dnslink.site.serve-web.test", "dnslink=/ipfs/"+content)
	t.Setenv("SVCREG_NS_MAP", "mapped.serve-web.test:/ipns/"+name)
	base := startServe(t, home, "--subdomain-host", "example.com", "--dns-resolver", dns.Addr)
	port := base[strings.LastIndex(base, ":")+1:]

	release := "1-2-0.web." + name + ".svc.example.com"
	for _, tt := range []struct {
		desc, host, path string
		code             int
		body, location   string
	}{
		{"range URL", "example.com:" + port, "/svc/web@%5E1/?q=1", 302, "", "http://" + release + ":" + port + "/?q=1"},
		{"release origin", release + ":" + port, "/", 200, "web", ""},
		{"DNSLink from DNS", "site.serve-web.test", "/", 200, "web", ""},
		{"DNSLink from SVCREG_NS_MAP", "", "/ipns/mapped.serve-web.test/services/web/versions/1.2.0/content/", 200, "web", ""},
		{"browse page", "", "/", 200, name, ""},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			req, _ := http.NewRequest("GET", base+tt.path, nil)
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.code || !strings.Contains(string(b), tt.body) || resp.Header.Get("Location") != tt.location {
				t.Fatalf("%d Location %q %.200q; want %d %q %q", resp.StatusCode, resp.Header.Get("Location"), b, tt.code, tt.location, tt.body)
			}
		})
	}

	// A record of a name this home does not follow: kept as a record only.
	sk, _, err := ic.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ipnsrec.NewRecord(sk, path.FromCid(mustCid(t, content)), 1, time.Now().Add(time.Hour), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := ipnsrec.MarshalRecord(rec)
	pid, _ := peer.IDFromPrivateKey(sk)
	other := ipnsrec.NameFromPeer(pid).String()
	req, _ := http.NewRequest("PUT", base+"/routing/v1/ipns/"+other, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/vnd.ipfs.ipns-record")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT of another name's record: %d", resp.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(home, "records", other)); err != nil {
		t.Fatalf("record not kept: %v", err)
	}
	if code, _, body := fetch(t, base+"/ipns/"+other+"/", ""); code != 200 || body != "web" {
		t.Fatalf("/ipns/ of the other name: %d %q", code, body)
	}
}

func mustCid(t *testing.T, s string) cid.Cid {
	t.Helper()
	c, err := cid.Decode(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
