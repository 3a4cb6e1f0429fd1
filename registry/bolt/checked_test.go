package bolt

import (
	"testing"
	"time"
)

func TestChecked(t *testing.T) {
	ctx := t.Context()
	c, path := openTest(t)
	if at, err := c.Checked(ctx, "k51a"); err != nil || !at.IsZero() {
		t.Fatalf("never checked: %v, %v", at, err)
	}
	t1 := time.Unix(1700000000, 5)
	if err := c.MarkChecked(ctx, "k51a", t1); err != nil {
		t.Fatal(err)
	}
	if err := c.MarkChecked(ctx, "k51a", t1.Add(-time.Hour)); err != nil { // older: ignored
		t.Fatal(err)
	}
	if at, err := c.Checked(ctx, "k51a"); err != nil || !at.Equal(t1) {
		t.Fatalf("Checked = %v, %v; want %v", at, err, t1)
	}
	c.Close()
	tr := NewTransient(path, nil)
	if at, err := tr.Checked(ctx, "k51a"); err != nil || !at.Equal(t1) {
		t.Fatalf("after reopening: %v, %v", at, err)
	}
	ro, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.MarkChecked(ctx, "k51a", t1); err == nil {
		t.Fatal("MarkChecked on a read-only index succeeded")
	}
}
