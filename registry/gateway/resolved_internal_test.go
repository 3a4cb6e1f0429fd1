package gateway

import (
	"strconv"
	"testing"

	"github.com/ipfs/boxo/gateway"
)

// TestPathMemoBounded: the memo keeps at most twice its bound, and an
// entry in use survives any number of others.
func TestPathMemoBounded(t *testing.T) {
	m := newPathMemo(4)
	m.put("kept", gateway.ContentPathMetadata{})
	for i := range 100 {
		m.put(strconv.Itoa(i), gateway.ContentPathMetadata{})
		if _, ok := m.get("kept"); !ok {
			t.Fatalf("after %d others: the entry in use is gone", i+1)
		}
		if n := len(m.cur) + len(m.old); n > 8 {
			t.Fatalf("after %d others: %d entries, want at most 8", i+1, n)
		}
	}
	if _, ok := m.get("0"); ok {
		t.Fatal("an entry unused since 99 others is still there")
	}
}
