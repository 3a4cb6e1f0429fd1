package termtext_test

import (
	"testing"

	"github.com/svcreg/svcreg/internal/termtext"
)

func TestOneLine(t *testing.T) {
	const k = "k51qzi5uqu5dktk2ptv6lct3feziwawhsyj0f7upj076d9fosx5violh4p6pus"
	for _, tc := range []struct{ in, want string }{
		{
			"fetch the record of " + k + ": not available from any source: http://127.0.0.1:1: GET http://127.0.0.1:1/ipns/" + k +
				"?format=ipns-record: source unreachable: connection refused",
			"fetch the record of " + k + ": not available from any source: http://127.0.0.1:1: source unreachable: connection refused",
		},
		{"a\nb\na", "a; b"},
		{"seq 3 of " + k + " and again " + k, "seq 3 of " + k + " and again k51qzi…4p6pus"},
		{"GET http://a.example/x: HTTP 500", "GET http://a.example/x: HTTP 500"},
		{"export bafy to /no/x: stat /no: no such file or directory", "export bafy to /no/x: no such file or directory"},
		{"export out/x: lstat out/x: not a directory", "export out/x: not a directory"},
		{"open block store /h/blocks: open /h/blocks/SHARDING: not a directory", "open block store /h/blocks: not a directory"},
		{"p/adir: read project file: read p/adir: is a directory", "p/adir: read project file: is a directory"},
		{"fetch x as CAR from g: read CAR: bad header", "fetch x as CAR from g: read CAR: bad header"},
		{"read CAR header: unexpected EOF", "read CAR header: unexpected EOF"},
		{"import a: open b: permission denied", "import a: open b: permission denied"},
	} {
		if got := termtext.OneLine(tc.in); got != tc.want {
			t.Errorf("OneLine(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"plain/naïve name.txt":   "plain/naïve name.txt",
		"evil\x1b]0;pwned\a.txt": `"evil\x1b]0;pwned\a.txt"`,
		`say "hi"`:               `"say \"hi\""`,
		`back\slash`:             `"back\\slash"`,
		"tab\there":              `"tab\there"`,
		"bad\xffutf8":            `"bad\xffutf8"`,
	} {
		if got := termtext.Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain: naïve":                "plain: naïve",
		"name \x1b[2J here":           `name \x1b[2J here`,
		"line\nbreak\u2028sep":        `line\nbreak\u2028sep`,
		"bad\xff byte, \"quotes\" ok": `bad\xff byte, "quotes" ok`,
	} {
		if got := termtext.Escape(in); got != want {
			t.Errorf("Escape(%q) = %s, want %s", in, got, want)
		}
	}
}
