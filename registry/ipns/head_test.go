package ipns

import (
	"errors"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry"
)

func TestVerifyHead(t *testing.T) {
	k := seedKey(t, 7)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &Signer{Key: k, Lifetime: time.Hour, Now: func() time.Time { return now }}
	root, other := rawCid(t, "a"), rawCid(t, "b")
	raw, err := s.Sign(root, 3)
	if err != nil {
		t.Fatal(err)
	}
	h := registry.Head{Name: k.Name(), Root: root, Seq: 3, Record: raw}
	eol := now.Add(time.Hour)
	if r, err := VerifyHead(h, eol); err != nil || r.Seq != 3 {
		t.Fatalf("at the end of life: %+v, %v", r, err)
	}
	if r, err := VerifyHead(h, eol.Add(time.Second)); !errors.Is(err, ErrExpiredRecord) || r.Seq != 3 || !r.Validity.Equal(eol) {
		t.Fatalf("after the end of life: %+v, %v", r, err)
	}
	for _, bad := range []registry.Head{
		{Name: k.Name(), Root: other, Seq: 3, Record: raw},
		{Name: k.Name(), Root: root, Seq: 4, Record: raw},
		{Name: seedKey(t, 8).Name(), Root: root, Seq: 3, Record: raw},
	} {
		if _, err := VerifyHead(bad, now); !errors.Is(err, ErrInvalidRecord) {
			t.Errorf("%+v: %v, want ErrInvalidRecord", bad, err)
		}
	}
	n, err := ParseRegistryName("/ipns/" + k.Name())
	if err != nil || n.String() != k.Name() {
		t.Fatalf("ParseRegistryName: %v, %v", n, err)
	}
}

func TestFresher(t *testing.T) {
	a, b := rawCid(t, "a"), rawCid(t, "b")
	t0 := time.Unix(1000, 0)
	for _, tc := range []struct {
		x, y Record
		want bool
	}{
		{Record{Seq: 2, Value: a}, Record{Seq: 1, Value: a, Validity: t0}, true},
		{Record{Seq: 1, Value: a, Validity: t0.Add(1)}, Record{Seq: 1, Value: a, Validity: t0}, true},
		{Record{Seq: 1, Value: b, Validity: t0.Add(1)}, Record{Seq: 1, Value: a, Validity: t0}, false},
		{Record{Seq: 1, Value: a, Validity: t0}, Record{Seq: 1, Value: a, Validity: t0}, false},
	} {
		if got := Fresher(tc.x, tc.y); got != tc.want {
			t.Errorf("Fresher(%+v, %+v) = %v", tc.x, tc.y, got)
		}
	}
}
