package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ipfs/go-cid"
)

// jsonReader reads one JSON document strictly, for svcreg.json and
// svcreg.lock: the input must be valid UTF-8 with nothing after the
// document; object keys must be known to the caller and may not repeat;
// numbers must be integers; every error names the line it was found on and
// wraps the format's sentinel.
type jsonReader struct {
	data     []byte
	dec      *json.Decoder
	sentinel error
}

// readCapped reads all of r, refusing more than max bytes.
func readCapped(r io.Reader, max int64, sentinel error, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", sentinel, what, max)
	}
	return data, nil
}

func newJSONReader(data []byte, sentinel error) (*jsonReader, error) {
	r := &jsonReader{data: data, sentinel: sentinel}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			c, size := utf8.DecodeRune(data[i:])
			if c == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return nil, r.failAt(int64(i), "byte 0x%02x is not UTF-8", data[i])
	}
	r.dec = json.NewDecoder(bytes.NewReader(data))
	r.dec.UseNumber()
	return r, nil
}

// line returns the 1-based line of byte offset off.
func (r *jsonReader) line(off int64) int {
	off = min(max(off, 0), int64(len(r.data)))
	return 1 + bytes.Count(r.data[:off], []byte{'\n'})
}

func (r *jsonReader) failAt(off int64, format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", r.sentinel, r.line(off), fmt.Sprintf(format, args...))
}

// fail reports a problem with the token just read.
func (r *jsonReader) fail(format string, args ...any) error {
	return r.failAt(r.dec.InputOffset(), format, args...)
}

func (r *jsonReader) token() (json.Token, error) {
	t, err := r.dec.Token()
	if err == nil {
		return t, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, r.failAt(se.Offset, "%v", se)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, r.fail("unexpected end of input")
	}
	return nil, r.fail("%v", err)
}

// describe names a token's JSON type for error messages.
func describe(t json.Token) string {
	switch t := t.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		if t == '[' {
			return "a list"
		}
		return fmt.Sprintf("%q", string(t))
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", t)
}

// object reads an object at what, calling field for each key; field must
// read the value. Keys outside known are refused (known nil: any key), as
// are repeated keys. It returns the keys in the order read.
func (r *jsonReader) object(what string, known []string, field func(key string) error) ([]string, error) {
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, r.fail("%s must be an object, not %s", what, describe(t))
	}
	var keys []string
	seen := map[string]bool{}
	for r.dec.More() {
		t, err := r.token()
		if err != nil {
			return nil, err
		}
		key := t.(string) // the decoder only yields string keys inside objects
		if seen[key] {
			return nil, r.fail("%s: duplicate key %q", what, key)
		}
		seen[key] = true
		if known != nil && !slices.Contains(known, key) {
			return nil, r.fail("%s: unknown field %q (known: %s)", what, key, strings.Join(known, ", "))
		}
		keys = append(keys, key)
		if err := field(key); err != nil {
			return nil, err
		}
	}
	if _, err := r.token(); err != nil { // the closing brace
		return nil, err
	}
	return keys, nil
}

// require fails unless every name in want is in keys.
func (r *jsonReader) require(what string, keys []string, want ...string) error {
	for _, w := range want {
		if !slices.Contains(keys, w) {
			return r.fail("%s: missing field %q", what, w)
		}
	}
	return nil
}

func (r *jsonReader) str(what string) (string, error) {
	t, err := r.token()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", r.fail("%s must be a string, not %s", what, describe(t))
	}
	return s, nil
}

// uint reads a non-negative integer that fits an IPLD int (int64).
func (r *jsonReader) uint(what string) (uint64, error) {
	t, err := r.token()
	if err != nil {
		return 0, err
	}
	n, ok := t.(json.Number)
	if !ok {
		return 0, r.fail("%s must be a number, not %s", what, describe(t))
	}
	v, err := strconv.ParseUint(string(n), 10, 64)
	if err != nil || v > math.MaxInt64 {
		return 0, r.fail("%s must be a whole number from 0 to %d, not %s", what, int64(math.MaxInt64), n)
	}
	return v, nil
}

func (r *jsonReader) boolean(what string) (bool, error) {
	t, err := r.token()
	if err != nil {
		return false, err
	}
	b, ok := t.(bool)
	if !ok {
		return false, r.fail("%s must be true or false, not %s", what, describe(t))
	}
	return b, nil
}

// link reads a DAG-JSON link: {"/": "<cid>"}.
func (r *jsonReader) link(what string) (cid.Cid, error) {
	var c cid.Cid
	keys, err := r.object(what, []string{"/"}, func(string) error {
		s, err := r.str(what + `["/"]`)
		if err != nil {
			return err
		}
		if c, err = cid.Decode(s); err != nil {
			return r.fail("%s: %q is not a CID: %v", what, s, err)
		}
		return nil
	})
	if err != nil {
		return cid.Undef, err
	}
	if len(keys) == 0 {
		return cid.Undef, r.fail(`%s must be a link, {"/": "<cid>"}`, what)
	}
	return c, nil
}

// strings reads a list of strings.
func (r *jsonReader) strings(what string) ([]string, error) {
	t, err := r.token()
	if err != nil {
		return nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return nil, r.fail("%s must be a list of strings, not %s", what, describe(t))
	}
	var out []string
	for r.dec.More() {
		s, err := r.str(fmt.Sprintf("%s[%d]", what, len(out)))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if _, err := r.token(); err != nil {
		return nil, err
	}
	return out, nil
}

// end fails unless only whitespace follows the document.
func (r *jsonReader) end() error {
	if _, err := r.dec.Token(); !errors.Is(err, io.EOF) {
		return r.fail("unexpected data after the end of the document")
	}
	return nil
}
