//go:build linux && (amd64 || arm64)

package warm

// Main answers a warm resolve asked by the running process's command
// line and exits, or returns when it does not answer (see the package
// comment). Call it once, from the init of a package that imports only
// this one, so that Go runs it before the rest of the program.
func Main() {
	if !loadProcess() || getenv(DisableEnv) == "1" {
		return
	}
	// question and resolution are called from here, one after the
	// other, so that the deepest calls (the index, the hashes) stay
	// within the stack the goroutine starts with (see ed25519.go).
	if !question(argv[1:nargs]) {
		return
	}
	q := &ask
	cid, ok := resolution(q.index, q.name, q.qname, q.qrange)
	if !ok {
		return
	}
	// One write of a few dozen bytes; on any error (a closed pipe, a
	// non-blocking descriptor) the full program answers and fails as it
	// does.
	out, ok := alloc(len(cid) + 1)
	if !ok {
		return
	}
	copy(out, cid)
	out[len(cid)] = '\n'
	for first := true; len(out) > 0; first = false {
		n, ok := write(1, out)
		switch {
		case !ok && first:
			return
		case !ok:
			exit(1) // part of the answer is out: not repeatable
		}
		out = out[n:]
	}
	exit(0)
}

// maxArgs bounds the arguments the warm path looks at: `resolve SPEC`
// and a --home or two.
const maxArgs = 16

// argv and nargs hold the program's arguments (os.Args, which package os
// is not yet there to give) and environ its environment, all in the
// arena below its base.
var (
	argv    [maxArgs]string
	nargs   int
	environ []byte
)

// loadProcess reads the arguments from /proc/self/cmdline and the
// environment from /proc/self/environ, each entry ended by a NUL, and
// reports false if either is missing, malformed or too long, or there
// are more than maxArgs arguments.
func loadProcess() bool {
	b, ok := readProc("/proc/self/cmdline")
	ok = ok && len(b) > 0 && b[len(b)-1] == 0
	for start, i := 0, 0; ok && i < len(b); i++ {
		if b[i] == 0 {
			if nargs == maxArgs {
				ok = false
				break
			}
			argv[nargs] = str(b[start:i])
			nargs++
			start = i + 1
		}
	}
	env, envOK := readProc("/proc/self/environ")
	environ = env
	arena.base = arena.n
	return ok && envOK
}

// readProc reads the file path into the rest of the arena.
func readProc(path string) ([]byte, bool) {
	p, ok := cstring(path, "")
	if !ok {
		return nil, false
	}
	fd, ok := open(p, 0)
	if !ok {
		return nil, false
	}
	defer closeFD(fd)
	buf, _ := alloc(len(arena.buf) - arena.n)
	b, ok := readAll(fd, buf)
	arena.n -= len(buf) - len(b)
	return b, ok
}

// getenv returns the value of key in the environment the process started
// with, as syscall.Getenv (the first entry for a key wins).
func getenv(key string) string {
	e := environ
	for len(e) > 0 {
		entry, rest, _ := cut(str(e), 0)
		e = e[len(e)-len(rest):]
		if k, v, ok := cut(entry, '='); ok && k == key {
			return v
		}
	}
	return ""
}

// defaultHome is $HOME/.svcreg, or "" without $HOME.
func defaultHome() string {
	u := getenv("HOME")
	if u == "" {
		return ""
	}
	b, ok := cstring(u, ".svcreg")
	if !ok {
		return ""
	}
	return str(b[:len(b)-1])
}

// Answer returns the CID that the command line args (without the program
// name) resolve to when it is `resolve SPEC [--home DIR]`, in any order,
// and the index holds that answer for the current head.
func Answer(args []string) (string, bool) {
	resetArena()
	if !question(args) {
		return "", false
	}
	q := &ask
	cid, ok := resolution(q.index, q.name, q.qname, q.qrange)
	return string(cid), ok
}

// ask is the question a command line asks the index, which question
// sets: the index file's path (NUL-terminated), the registry's name and
// the query's two parts.
var ask struct {
	index               []byte
	name, qname, qrange string
}

// question sets ask from the command line args when it is `resolve SPEC`
// on a home the warm path may answer from: no remotes configured, the
// home's and key file's permissions as every command requires, the key
// file's halves agreeing.
func question(args []string) bool {
	spec, home, ok := parse(args, getenv, defaultHome)
	if !ok {
		return false
	}
	q := &ask
	q.qname, q.qrange, ok = query(spec)
	if !ok {
		return false
	}
	st, ok1 := newStat()
	p, ok2 := cstring(home, "config.json")
	if !ok1 || !ok2 || statPath(p, st, atSymlinkNoFollow) {
		return false // remotes configured: the full path picks the registry
	}
	if !homeSafe(home) {
		return false // the full path refuses it, with a hint
	}
	key, ok := readKeyFile(home)
	if !ok {
		return false
	}
	if q.name, ok = registryName(key); !ok {
		return false
	}
	q.index, ok = cstring(home, "index.db")
	return ok
}

// homeSafe applies ipnsname.CheckHome's rule: the home and what is in it
// (links followed) are not writable by group or others; a home that is
// missing or unreadable is left to what opens it.
func homeSafe(dir string) bool {
	st, ok1 := newStat()
	p, ok2 := cstring(dir, "")
	if !ok1 || !ok2 {
		return false
	}
	if !statPath(p, st, 0) {
		return true
	}
	if st.mode()&0o022 != 0 {
		return false
	}
	fd, ok := open(p, oDirectory)
	if !ok {
		return true
	}
	defer closeFD(fd)
	buf, ok := alloc(8192)
	if !ok {
		return false
	}
	for {
		n, ok := getdents(fd, buf)
		if !ok {
			return true // os.ReadDir fails: CheckHome passes it
		}
		if n <= 0 {
			return true
		}
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(le16(b[16:]))
			if reclen < 19 || reclen > len(b) {
				return false
			}
			name, _, _ := cut(str(b[19:reclen]), 0)
			ino := le64(b)
			b = b[reclen:]
			if ino == 0 || name == "." || name == ".." {
				continue
			}
			if !entrySafe(dir, name) {
				return false
			}
		}
	}
}

// entrySafe reports whether dir's entry name, a link's target, is not
// writable by group or others, or is gone.
func entrySafe(dir, name string) bool {
	mark := arena.n
	defer func() { arena.n = mark }()
	if dir != "" && dir[len(dir)-1] == '/' {
		dir = dir[:len(dir)-1]
	}
	st, ok1 := newStat()
	p, ok2 := cstring(dir, name)
	if !ok1 || !ok2 {
		return false
	}
	return !statPath(p, st, 0) || st.mode()&0o022 == 0
}

// keyFileSize is the size of the only key files svcreg reads: a libp2p
// protobuf PrivateKey holding an Ed25519 seed and its public key.
const keyFileSize = 4 + 32 + 32

// readKeyFile applies ipnsname.ReadKeyFile's rules (a regular file, not
// accessible by group or others) to home's key file and reads it,
// reporting false for anything but keyFileSize bytes, which FromKeyFile
// would refuse.
func readKeyFile(home string) ([]byte, bool) {
	p, ok := cstring(home, "key")
	if !ok {
		return nil, false
	}
	fd, ok := open(p, 0)
	if !ok {
		return nil, false
	}
	defer closeFD(fd)
	st, ok := newStat()
	if !ok || !fstat(fd, st) || st.mode()&sIFMT != sIFREG || st.mode()&0o077 != 0 {
		return nil, false
	}
	buf, ok := alloc(keyFileSize + 1)
	if !ok {
		return nil, false
	}
	b, ok := readAll(fd, buf)
	return b, ok && len(b) == keyFileSize
}

// registryName returns the k51… name of the key file b, as
// ipnsname.FromKeyFile does, refusing a key whose public half is not the
// seed's.
func registryName(b []byte) (string, bool) {
	if len(b) != keyFileSize || b[0] != 0x08 || b[1] != 0x01 || b[2] != 0x12 || b[3] != 64 {
		return "", false
	}
	seed, pub := b[4:36], b[36:]
	want := &ws.pub
	if publicKey(want, seed); str(want[:]) != str(pub) {
		return "", false
	}
	// CIDv1, libp2p-key, identity multihash of the protobuf PublicKey.
	var c [8 + 32]byte
	copy(c[:], "\x01\x72\x00\x24\x08\x01\x12\x20")
	copy(c[8:], pub)
	name, ok := base36(c[:], 'k')
	return str(name), ok
}

// readAll reads fd to its end into buf, reporting false on an error or
// when buf is too small.
func readAll(fd int, buf []byte) ([]byte, bool) {
	n := 0
	for n < len(buf) {
		m, ok := read(fd, buf[n:])
		if !ok {
			return nil, false
		}
		if m == 0 {
			return buf[:n], true
		}
		n += m
	}
	return nil, false
}

// base36 is prefix and multibase's base36 (lower case) of b, as go-base36
// writes it.
func base36(b []byte, prefix byte) ([]byte, bool) {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	num, ok1 := alloc(len(b) - zeros)
	out, ok2 := alloc(1 + zeros + len(b)*2) // 36^2 > 256
	if !ok1 || !ok2 {
		return nil, false
	}
	copy(num, b[zeros:])
	// Digits from the end of out, least significant first.
	i := len(out)
	for len(num) > 0 {
		var rem int
		q := num[:0]
		for _, v := range num {
			acc := rem*256 + int(v)
			if d := acc / 36; d > 0 || len(q) > 0 {
				q = append(q, byte(d))
			}
			rem = acc % 36
		}
		i--
		out[i] = digits[rem]
		num = q
	}
	for ; zeros > 0; zeros-- {
		i--
		out[i] = '0'
	}
	i--
	out[i] = prefix
	return out[i:], true
}

// base32Lower is prefix and multibase 'b': RFC 4648 base32, lower case,
// no padding.
func base32Lower(b []byte, prefix byte) ([]byte, bool) {
	const digits = "abcdefghijklmnopqrstuvwxyz234567"
	out, ok := alloc(1 + (len(b)*8+4)/5)
	if !ok {
		return nil, false
	}
	out[0] = prefix
	i := 1
	var acc uint32
	var n uint
	for _, v := range b {
		acc = acc<<8 | uint32(v)
		n += 8
		for n >= 5 {
			n -= 5
			out[i] = digits[acc>>n&31]
			i++
		}
	}
	if n > 0 {
		out[i] = digits[acc<<(5-n)&31]
	}
	return out, true
}
