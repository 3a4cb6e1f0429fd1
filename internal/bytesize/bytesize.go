// Package bytesize reads and writes sizes in bytes as people write them:
// [Parse] takes "1048576", "512MiB" or "16GiB" (the flags --max-size,
// --max-response, --storage-max), [Format] prints "3.2 MiB" (progress and
// reports).
package bytesize

import (
	"fmt"
	"strconv"
	"strings"
)

// units are the suffixes Parse accepts, "B" last so that "MiB" is not
// read as "Mi" and "B".
var units = []struct {
	suffix string
	shift  uint
}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}, {"B", 0}}

// Parse reads a positive number of bytes, optionally with a binary unit
// (KiB, MiB, GiB, TiB or B): "1048576", "512MiB", "16 GiB".
func Parse(s string) (uint64, error) {
	num, shift := s, uint(0)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			num, shift = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.shift
			break
		}
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil || n == 0 || n > (1<<64-1)>>shift {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	return n << shift, nil
}

// Format writes n bytes with one decimal in the largest binary unit it
// reaches: "512 B", "3.2 MiB".
func Format(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
