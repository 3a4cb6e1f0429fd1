// Package baseurl parses the base URL of an HTTP service svcreg is given
// (a trustless gateway, a kubo node's RPC API), with one rule for all of
// them, so that `svcreg remote add --gateway` and `svcreg replica add
// --kubo` accept and refuse the same addresses:
//
//   - the scheme is http or https and must be written: nothing is guessed;
//   - a host is required;
//   - no query, fragment or user information.
//
// A trailing slash is dropped: the result is a base to append paths to.
package baseurl

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrInvalid is returned by Parse for a URL that breaks the rule.
var ErrInvalid = errors.New("invalid URL")

// Parse checks s against the rule and returns it without a trailing
// slash. what names the service in errors ("gateway", "kubo API").
func Parse(what, s string) (string, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", fmt.Errorf("%s URL %q: %w: write it as http://HOST[:PORT] or https://HOST[:PORT]", what, s, ErrInvalid)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%s URL %q: %w: scheme must be http or https", what, s, ErrInvalid)
	case u.Host == "":
		return "", fmt.Errorf("%s URL %q: %w: no host", what, s, ErrInvalid)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.User != nil:
		return "", fmt.Errorf("%s URL %q: %w: it must not have a query, fragment or user", what, s, ErrInvalid)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
