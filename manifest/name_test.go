package manifest

import (
	"errors"
	"strings"
	"testing"
)

var validNames = []string{
	"a", "z", "0", "9", "_", "_private", "my-service", "my.service", "my_service",
	"svc-2.0_beta", "0day", "a..b", "a--b", "trailing-", "trailing.", "x" + strings.Repeat("y", MaxNameLen-1),
}

var invalidNames = []struct{ in, want string }{
	{"", `invalid service name "": empty; names use a-z 0-9 - . _`},
	{"Foo", `invalid service name "Foo": uppercase letter 'F' at 0; names use a-z 0-9 - . _`},
	{"fooBar", `invalid service name "fooBar": uppercase letter 'B' at 3; names use a-z 0-9 - . _`},
	{".hidden", `invalid service name ".hidden": starts with '.'; names start with a-z 0-9 or _`},
	{"-flag", `invalid service name "-flag": starts with '-'; names start with a-z 0-9 or _`},
	{"my service", `invalid service name "my service": character ' ' at 2; names use a-z 0-9 - . _`},
	{"a/b", `invalid service name "a/b": character '/' at 1; names use a-z 0-9 - . _`},
	{"a@1.0.0", `invalid service name "a@1.0.0": character '@' at 1; names use a-z 0-9 - . _`},
	{"@scope/pkg", `invalid service name "@scope/pkg": character '@' at 0; names use a-z 0-9 - . _`},
	{"café", `invalid service name "café": character 'é' at 3; names use a-z 0-9 - . _`},
	{"a\xffb", `invalid service name "a\xffb": byte 0xff at 1 is not UTF-8; names use a-z 0-9 - . _`},
	{"a\x00", `invalid service name "a\x00": character '\x00' at 1; names use a-z 0-9 - . _`},
	{"tab\t", `invalid service name "tab\t": character '\t' at 3; names use a-z 0-9 - . _`},
	{"a:b", `invalid service name "a:b": character ':' at 1; names use a-z 0-9 - . _`},
	{"x" + strings.Repeat("y", MaxNameLen), `invalid service name "xyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"… (215 bytes): 215 bytes, limit is 214`},
}

func TestParseNameValid(t *testing.T) {
	for _, in := range validNames {
		n, err := ParseName(in)
		if err != nil {
			t.Errorf("ParseName(%q): %v", in, err)
		} else if string(n) != in {
			t.Errorf("ParseName(%q) = %q", in, n)
		}
	}
}

func TestParseNameInvalid(t *testing.T) {
	for _, tt := range invalidNames {
		n, err := ParseName(tt.in)
		if !errors.Is(err, ErrInvalidName) {
			t.Errorf("ParseName(%q) = %q, %v; want ErrInvalidName", tt.in, n, err)
			continue
		}
		if n != "" {
			t.Errorf("ParseName(%q) returned %q with its error", tt.in, n)
		}
		if err.Error() != tt.want {
			t.Errorf("ParseName(%q) error:\n got %s\nwant %s", tt.in, err, tt.want)
		}
	}
}
