package main

import "testing"

func TestEncodeQuery(t *testing.T) {
	tests := []struct {
		pairs []string
		want  string
		ok    bool
	}{
		{nil, "", true},
		{[]string{"say=hello"}, "say=hello", true},
		{[]string{"say=hello wörld"}, "say=hello%20w%C3%B6rld", true},
		{[]string{"b=2", "a=1"}, "b=2&a=1", true}, // order kept
		{[]string{"a=x=y&z"}, "a=x%3Dy%26z", true},
		{[]string{"k=a+b"}, "k=a%2Bb", true},
		{[]string{"k="}, "k=", true},
		{[]string{"k #=v/?"}, "k%20%23=v%2F%3F", true},
		{[]string{"novalue"}, "", false},
		{[]string{"=v"}, "", false},
	}
	for _, tt := range tests {
		got, err := encodeQuery(tt.pairs)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("encodeQuery(%q) = %q, %v; want %q (ok %v)", tt.pairs, got, err, tt.want, tt.ok)
		}
	}
}

func TestGatewayURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "http://127.0.0.1:8080", true},
		{"http://localhost:8080", "http://localhost:8080", true},
		{"https://gw.example/base/", "https://gw.example/base/", true},
		{"ftp://gw.example", "", false},
		{"gw.example:8080", "", false},
		{"http://", "", false},
		{"http://gw.example/?a=b", "", false},
		{"http://gw.example/#x", "", false},
	}
	for _, tt := range tests {
		u, err := gatewayURL(tt.in)
		if (err == nil) != tt.ok || (err == nil && u.String() != tt.want) {
			t.Errorf("gatewayURL(%q) = %v, %v; want %q (ok %v)", tt.in, u, err, tt.want, tt.ok)
		}
	}
}
