package neterr_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/svcreg/svcreg/internal/neterr"
)

func TestBriefKeepsTheCauseOnly(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	_, err = http.Get("http://" + addr + "/x")
	if err == nil {
		t.Fatal("a request to a closed port succeeded")
	}
	b := neterr.Brief(err)
	if got := b.Error(); got != "connection refused" {
		t.Errorf("Brief = %q, want %q (from %q)", got, "connection refused", err)
	}
	var ue *url.Error
	if !errors.As(b, &ue) || !errors.Is(b, syscall.ECONNREFUSED) {
		t.Errorf("Brief hides the error underneath: As url.Error %v, Is ECONNREFUSED %v", errors.As(b, &ue), errors.Is(b, syscall.ECONNREFUSED))
	}
}

func TestBriefOfOtherErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:1/", nil)
	_, err := http.DefaultClient.Do(req)
	if b := neterr.Brief(err); strings.Contains(b.Error(), "127.0.0.1") || !errors.Is(b, context.Canceled) {
		t.Errorf("cancelled request: %q", b)
	}
	plain := errors.New("x")
	if neterr.Brief(plain) != plain || neterr.Brief(nil) != nil {
		t.Error("Brief changed an error that is not a transport error")
	}
}
