package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"

	"github.com/ipfs/go-cid"
)

// The lockfile's field names. Each object's keys are written in this
// order, which is also bytewise order, so the file is DAG-JSON in its
// canonical key order.
var (
	lockFields  = []string{"lockfileVersion", "registry", "root", "seq", "services"}
	entryFields = []string{"cid", "hidden", "profile", "range", "size", "version"}
	// a version-2 lock has one more field, and it sorts last
	lockFieldsTrust = append(slices.Clip(lockFields), "trust")
	trustFields     = []string{"root", "rootVersion"}
)

// EncodeLock writes l in its canonical form: two-space indented JSON with
// keys in bytewise order, services sorted by name and each on its own
// block of lines, links as {"/": "<cid>"}, and a final newline. The same
// lock always gives the same bytes, and they are valid DAG-JSON. A lock
// without Trust is lockfileVersion 1; one with Trust is version 2, whose
// "trust" object comes last.
func EncodeLock(w io.Writer, l *Lock) error {
	if err := l.validate(); err != nil {
		return fmt.Errorf("encode lock: %w: %w", ErrInvalidLock, err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n  \"lockfileVersion\": %d,\n", l.Format())
	fmt.Fprintf(&b, "  \"registry\": %s,\n", quote(l.Registry))
	fmt.Fprintf(&b, "  \"root\": %s,\n", linkJSON(l.Root))
	fmt.Fprintf(&b, "  \"seq\": %d,\n", l.Seq)
	names := slices.Sorted(maps.Keys(l.Services))
	end := "\n" // after the services object
	if l.Trust != nil {
		end = ",\n"
	}
	if len(names) == 0 {
		b.WriteString("  \"services\": {}" + end)
	} else {
		b.WriteString("  \"services\": {\n")
		for i, n := range names {
			writeEntry(&b, n, l.Services[n], i == len(names)-1)
		}
		b.WriteString("  }" + end)
	}
	if t := l.Trust; t != nil {
		b.WriteString("  \"trust\": {\n")
		fmt.Fprintf(&b, "    \"root\": %s,\n", linkJSON(t.Root))
		fmt.Fprintf(&b, "    \"rootVersion\": %d\n", t.Version)
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func writeEntry(b *bytes.Buffer, n Name, e LockEntry, last bool) {
	fmt.Fprintf(b, "    %s: {\n", quote(string(n)))
	fmt.Fprintf(b, "      \"cid\": %s,\n", linkJSON(e.CID))
	fmt.Fprintf(b, "      \"hidden\": %t,\n", e.Hidden)
	fmt.Fprintf(b, "      \"profile\": %s,\n", quote(e.Profile))
	fmt.Fprintf(b, "      \"range\": %s,\n", quote(e.Range))
	fmt.Fprintf(b, "      \"size\": %d,\n", e.Size)
	fmt.Fprintf(b, "      \"version\": %s\n", quote(e.Version.String()))
	if last {
		b.WriteString("    }\n")
	} else {
		b.WriteString("    },\n")
	}
}

// quote returns s as a JSON string, escaping only what JSON requires (so
// ranges keep their < and >).
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return strconv.Quote(s) // unreachable: strings always encode
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func linkJSON(c cid.Cid) string { return `{"/": ` + quote(c.String()) + `}` }

// DecodeLock reads a lockfile. It accepts any JSON layout of the fields
// EncodeLock writes, and nothing else: unknown or repeated fields, missing
// ones, wrong types, invalid names, ranges, versions or CIDs, files over
// MaxLockSize and other lockfileVersions are refused with an error that
// wraps ErrInvalidLock and names the line. A version-1 lock has no
// "trust" object, a version-2 lock must have one. EncodeLock of the
// result gives the canonical form, which is the input when the input was
// canonical.
func DecodeLock(r io.Reader) (*Lock, error) {
	data, err := readCapped(r, MaxLockSize, ErrInvalidLock, "lockfile")
	if err != nil {
		return nil, err
	}
	jr, err := newJSONReader(data, ErrInvalidLock)
	if err != nil {
		return nil, err
	}
	fields, err := checkLockFormat(jr)
	if err != nil {
		return nil, err
	}
	l := &Lock{Services: map[Name]LockEntry{}}
	keys, err := jr.object("the lockfile", fields, func(key string) error {
		var err error
		switch key {
		case "lockfileVersion":
			var format uint64
			if format, err = jr.uint(key); err == nil && format != LockFormat && format != LockFormatTrust {
				err = jr.fail("lockfileVersion %d is not %d or %d", format, LockFormat, LockFormatTrust)
			}
		case "registry":
			l.Registry, err = jr.str(key)
		case "root":
			l.Root, err = jr.link(key)
		case "seq":
			l.Seq, err = jr.uint(key)
		case "services":
			err = decodeEntries(jr, l)
		case "trust":
			l.Trust, err = decodeTrust(jr)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := jr.require("the lockfile", keys, fields...); err != nil {
		return nil, err
	}
	if err := jr.end(); err != nil {
		return nil, err
	}
	if err := l.validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidLock, err)
	}
	return l, nil
}

// checkLockFormat looks at lockfileVersion before anything else, so that
// a lockfile from another svcreg says so rather than failing on a field
// this one does not know. It returns the fields of the version the file
// says it is (version 1's when it cannot tell: the strict reader then
// reports what is wrong).
func checkLockFormat(jr *jsonReader) ([]string, error) {
	var probe struct {
		V json.RawMessage `json:"lockfileVersion"`
	}
	var n json.Number
	if json.Unmarshal(jr.data, &probe) != nil || json.Unmarshal(probe.V, &n) != nil {
		return lockFields, nil
	}
	switch string(n) {
	case strconv.Itoa(LockFormat):
		return lockFields, nil
	case strconv.Itoa(LockFormatTrust):
		return lockFieldsTrust, nil
	}
	off := bytes.Index(jr.data, []byte(`"lockfileVersion"`))
	return nil, jr.failAt(int64(off), "lockfileVersion %s is not %d or %d, the versions this svcreg reads; use the svcreg that wrote it, or run 'svcreg lock' to rewrite it",
		probe.V, LockFormat, LockFormatTrust)
}

// decodeTrust reads a version-2 lock's trust object.
func decodeTrust(jr *jsonReader) (*LockTrust, error) {
	t := &LockTrust{}
	keys, err := jr.object("trust", trustFields, func(key string) error {
		var err error
		switch key {
		case "root":
			t.Root, err = jr.link("trust.root")
		case "rootVersion":
			t.Version, err = jr.uint("trust.rootVersion")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, jr.require("trust", keys, trustFields...)
}

func decodeEntries(jr *jsonReader, l *Lock) error {
	_, err := jr.object("services", nil, func(key string) error {
		n, err := ParseName(key)
		if err != nil {
			return jr.fail("services: %v", err)
		}
		e, err := decodeEntry(jr, "services."+key)
		l.Services[n] = e
		return err
	})
	return err
}

func decodeEntry(jr *jsonReader, what string) (LockEntry, error) {
	var e LockEntry
	keys, err := jr.object(what, entryFields, func(key string) error {
		var err error
		f := what + "." + key
		switch key {
		case "cid":
			e.CID, err = jr.link(f)
		case "hidden":
			e.Hidden, err = jr.boolean(f)
		case "profile":
			e.Profile, err = jr.str(f)
		case "range":
			e.Range, err = jr.str(f)
		case "size":
			e.Size, err = jr.uint(f)
		case "version":
			var s string
			if s, err = jr.str(f); err != nil {
				return err
			}
			if e.Version, err = ParseVersion(s); err != nil {
				return jr.fail("%s: %v", f, err)
			}
			if e.Version.String() != s {
				return jr.fail("%s: %q is not in canonical form", f, s)
			}
		}
		return err
	})
	if err != nil {
		return LockEntry{}, err
	}
	return e, jr.require(what, keys, entryFields...)
}
