package follow_test

import (
	"crypto/rand"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/registrytest"
	"github.com/svcreg/svcreg/registry/target"
)

// TestNewNode: a node keeps the key's registry and follows each target;
// it serves that registry by default, answers /healthz and /metrics, and
// refuses an upstream URL it cannot use.
func TestNewNode(t *testing.T) {
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cfg := follow.NodeConfig{
		Blocks: registrytest.NewBlocks(), Index: bolt.NewTransient(filepath.Join(t.TempDir(), "index.db"), nil),
		Follow:  []target.Target{{Name: other.RegistryName(), Gateways: []string{"http://127.0.0.1:1"}}},
		Metrics: prometheus.NewRegistry(),
	}
	n, err := follow.NewNode(cfg)
	if err != nil || n.Own != nil || len(n.Follow) != 1 || n.Registry() != other.RegistryName() || n.Metrics == nil {
		t.Fatalf("NewNode following one: %+v, %v", n, err)
	}
	cfg.Key, cfg.Metrics = k, nil
	if n, err = follow.NewNode(cfg); err != nil || n.Own == nil || n.Registry() != k.RegistryName() {
		t.Fatalf("NewNode with a key: %+v, %v", n, err)
	}
	w := httptest.NewRecorder()
	n.Handlers(prometheus.NewRegistry())["/healthz"].ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	if w.Header().Get("Content-Type") != "application/json" || !strings.Contains(w.Body.String(), `"registries"`) {
		t.Errorf("/healthz: %s %s", w.Header(), w.Body)
	}
	cfg.Follow[0].Gateways = []string{"file:///x"}
	if _, err := follow.NewNode(cfg); !errors.Is(err, follow.ErrBadUpstream) {
		t.Errorf("NewNode with a bad upstream: %v", err)
	}
}
