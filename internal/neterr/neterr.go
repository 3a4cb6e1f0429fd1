// Package neterr words the errors of an HTTP client for people. net/http
// quotes the request's URL ("Get \"URL\": …") and the dialer names the
// address again ("dial tcp ADDR: connect: …"), while svcreg's own error
// already names the URL: Brief keeps only the cause, so a message says
// each thing once. The error itself is kept underneath, for errors.Is and
// errors.As.
package neterr

import (
	"errors"
	"net"
	"net/url"
	"os"
)

// Brief returns err (from an http.Client) with a message that leaves out
// the request's method and URL and the dialer's address. It returns nil
// for nil.
func Brief(err error) error {
	if err == nil {
		return nil
	}
	cause := err
	var ue *url.Error
	if errors.As(cause, &ue) {
		cause = ue.Err
	}
	var oe *net.OpError
	if errors.As(cause, &oe) && oe.Op == "dial" && oe.Err != nil {
		cause = oe.Err
	}
	var se *os.SyscallError
	if errors.As(cause, &se) && se.Err != nil {
		cause = se.Err
	}
	if cause == err {
		return err
	}
	return brief{msg: cause.Error(), err: err}
}

type brief struct {
	msg string
	err error
}

func (b brief) Error() string { return b.msg }
func (b brief) Unwrap() error { return b.err }
