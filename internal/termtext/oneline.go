package termtext

import "strings"

// OneLine makes an error message one line that says each thing once.
// Errors wrapped on their way up repeat what the layers below already
// said: a source names its gateway, the request under it the gateway's
// URL, and every layer names the registry. (What net/http and the dialer
// repeat is left out where the HTTP clients make their errors, by
// internal/neterr.) OneLine drops those repeats:
//
//   - line breaks (errors.Join) become "; ", and identical parts are kept once;
//   - `GET URL: ` when the URL's origin was named before it;
//   - a Go file operation's `OP PATH: ` (`stat /a: `, `open a/b.json: `,
//     as *fs.PathError words it; PATH holds a slash or a dot) when PATH, a
//     directory above it or a path under it was named before: the layer
//     above already said which file;
//   - a long name or CID (40 or more letters and digits) named before is
//     shortened to its first and last characters.
func OneLine(msg string) string {
	msg = strings.ReplaceAll(strings.TrimSpace(msg), "\n", "; ")
	msg = dropRepeatedRequests(msg)
	msg = dropRepeatedPathOps(msg)
	msg = shortenRepeats(msg)
	return dedupeParts(msg)
}

// dropRepeatedRequests removes "GET URL: " where the URL's origin was
// named before in msg.
func dropRepeatedRequests(msg string) string {
	for _, m := range []string{"GET ", "HEAD ", "POST ", "PUT "} {
		from := 0
		for {
			i := strings.Index(msg[from:], m+"http")
			if i < 0 {
				break
			}
			i += from
			rest := msg[i+len(m):]
			j := strings.Index(rest, ": ")
			if j < 0 {
				break
			}
			if o := origin(rest[:j]); o != "" && strings.Contains(msg[:i], o) {
				msg = msg[:i] + rest[j+2:]
				from = i
			} else {
				from = i + len(m)
			}
		}
	}
	return msg
}

// pathOps are the operations *fs.PathError and *os.LinkError name.
var pathOps = []string{"open", "stat", "lstat", "read", "write", "mkdir", "remove", "readdirent", "close", "sync", "chmod", "readlink", "rename"}

// dropRepeatedPathOps removes "OP PATH: " where a path related to PATH
// (itself, one above it, one under it) was named before in msg.
func dropRepeatedPathOps(msg string) string {
	for _, op := range pathOps {
		from := 0
		for {
			i := strings.Index(msg[from:], op+" ")
			if i < 0 {
				break
			}
			i += from
			rest := msg[i+len(op)+1:]
			j := strings.Index(rest, ": ")
			if (i > 0 && msg[i-1] != ' ') || j <= 0 || !looksLikePath(rest[:j]) || !namedBefore(msg[:i], rest[:j]) {
				from = i + len(op) + 1
				continue
			}
			msg = msg[:i] + rest[j+2:]
			from = i
		}
	}
	return msg
}

// looksLikePath reports whether s reads as a file's path (a slash or a
// dot in one word), not as a word such as the "CAR" of "read CAR: ".
func looksLikePath(s string) bool {
	return strings.ContainsAny(s, "/.") && !strings.ContainsAny(s, " ;")
}

// namedBefore reports whether text names path, a directory above it or a
// path under it, as a word of its own.
func namedBefore(text, path string) bool {
	for _, w := range strings.Fields(text) {
		w = strings.Trim(w, `:;,()"'`)
		if w != "" && (w == path || strings.HasPrefix(w, path+"/") || strings.HasPrefix(path, w+"/")) {
			return true
		}
	}
	return false
}

// origin returns scheme://host of an http(s) URL, else "".
func origin(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok || scheme != "http" && scheme != "https" {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return scheme + "://" + rest
}

// shortenRepeats shortens each long run of letters and digits (a k51…
// name, a CID) after its first occurrence.
func shortenRepeats(msg string) string {
	const long = 40
	seen := map[string]bool{}
	var b strings.Builder
	for i := 0; i < len(msg); {
		j := i
		for j < len(msg) && isAlnum(msg[j]) {
			j++
		}
		if j == i {
			b.WriteByte(msg[i])
			i++
			continue
		}
		tok := msg[i:j]
		if len(tok) >= long && seen[tok] {
			tok = tok[:6] + "…" + tok[len(tok)-6:]
		}
		seen[msg[i:j]] = true
		b.WriteString(tok)
		i = j
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// dedupeParts keeps the first of identical "; "-separated parts.
func dedupeParts(msg string) string {
	parts := strings.Split(msg, "; ")
	out := parts[:0]
	seen := map[string]bool{}
	for _, p := range parts {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}
