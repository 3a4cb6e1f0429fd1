package bytesize_test

import (
	"testing"

	"github.com/svcreg/svcreg/internal/bytesize"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]uint64{
		"1048576": 1 << 20, "512MiB": 512 << 20, "16GiB": 16 << 30, "16 GiB": 16 << 30, "1KiB": 1024,
		"2TiB": 2 << 40, "7B": 7, "16777215TiB": 16777215 << 40,
	} {
		if got, err := bytesize.Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "0GiB", "-1", "1.5GiB", "GiB", "1GB", "16777216TiB", "99999999999999999999"} {
		if got, err := bytesize.Parse(bad); err == nil {
			t.Errorf("Parse(%q) = %d, want an error", bad, got)
		}
	}
}

func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 3 << 20: "3.0 MiB", 3<<20 + 1<<19: "3.5 MiB", 10 << 30: "10.0 GiB",
	} {
		if got := bytesize.Format(n); got != want {
			t.Errorf("Format(%d) = %q, want %q", n, got, want)
		}
	}
}
