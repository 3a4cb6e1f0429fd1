// Package docs holds svcreg's long-form documentation, and owns the help
// text of its commands: CLI.md, embedded here, opens each command's
// section with a help block, the text `svcreg COMMAND --help` prints
// above the flags, so that the reader of CLI.md sees what the program
// says and the program says what CLI.md does.
//
// A help block is a fenced code block with the info string "help". Its
// first line names the command and gives its one-line usage, as the
// NAME line of --help does; the rest, after one empty line, is the
// description, examples included, printed as it is written:
//
//	```help
//	svcreg remote add - follow a registry under NAME
//
//	Examples:
//	   svcreg remote add main k51qzi5uqu5d… --gateway https://ipfs.example
//	```
//
// The block of the program itself names only "svcreg".
package docs

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed CLI.md
var cliDoc string

// Help is one command's help.
type Help struct {
	Usage       string // one line, "follow a registry under NAME"
	Description string // the text below it, examples included
}

// CommandHelp returns the help blocks of CLI.md by command path: "" for
// the program, "resolve", "remote add". It panics when a block is
// malformed, as regexp.MustCompile does on a bad constant: the document is
// compiled in, and its tests parse it.
func CommandHelp() map[string]Help {
	help, err := ParseHelp(cliDoc)
	if err != nil {
		panic("docs/CLI.md: " + err.Error())
	}
	return help
}

// ParseHelp returns the help blocks of the Markdown document doc by
// command path. A block that names no svcreg command, has no usage, or
// names a command another block named already is an error.
func ParseHelp(doc string) (map[string]Help, error) {
	const open, fence = "\n```help\n", "\n```\n"
	out := map[string]Help{}
	for i := 0; ; {
		j := strings.Index(doc[i:], open)
		if j < 0 {
			return out, nil
		}
		start := i + j + len(open)
		k := strings.Index(doc[start:], fence)
		if k < 0 {
			return nil, fmt.Errorf("help block %.40q is not closed", doc[start:])
		}
		block := doc[start : start+k]
		i = start + k + len(fence) - 1 // at the fence's newline, which may open the next block
		head, desc, _ := strings.Cut(block, "\n")
		name, usage, ok := strings.Cut(head, " - ")
		path, isSvcreg := strings.CutPrefix(name+" ", "svcreg ")
		path = strings.TrimSpace(path)
		switch _, seen := out[path]; {
		case !ok || !isSvcreg || usage == "":
			return nil, fmt.Errorf("help block %q: the first line is not \"svcreg COMMAND - USAGE\"", head)
		case seen:
			return nil, fmt.Errorf("help block %q: a second block for %q", head, name)
		}
		out[path] = Help{Usage: usage, Description: strings.TrimPrefix(desc, "\n")}
	}
}
