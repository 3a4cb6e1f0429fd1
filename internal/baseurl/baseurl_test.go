package baseurl_test

import (
	"errors"
	"testing"

	"github.com/svcreg/svcreg/internal/baseurl"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"http://127.0.0.1:5001", "http://127.0.0.1:5001"},
		{"https://gw.example/", "https://gw.example"},
		{"https://gw.example/prefix/", "https://gw.example/prefix"},
		{"gw.example", ""},
		{"127.0.0.1:8080", ""},
		{"localhost:8080", ""},
		{"ftp://gw.example", ""},
		{"http://", ""},
		{"http://gw.example?x=1", ""},
		{"http://gw.example?", ""},
		{"http://gw.example#f", ""},
		{"http://u:p@gw.example", ""},
	}
	for _, c := range cases {
		got, err := baseurl.Parse("gateway", c.in)
		if c.want == "" {
			if !errors.Is(err, baseurl.ErrInvalid) {
				t.Errorf("Parse(%q) = %q, %v; want ErrInvalid", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
