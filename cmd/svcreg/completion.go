package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// completeCommand is the hidden command the shell scripts call:
// `svcreg __complete WORD… CURRENT` prints, one a line, the commands,
// subcommands or flags that CURRENT (the word being typed, maybe empty)
// can become after WORD…, each followed by a tab and its description. An
// empty answer leaves the shell to complete file names.
const completeCommand = "__complete"

// completionScripts are the scripts `svcreg completion SHELL` prints. Each
// asks svcreg itself (completeCommand) for the candidates, so they follow
// the commands of the binary that is installed.
var completionScripts = map[string]string{
	"bash": `# bash completion for svcreg: source it, or save it as
# /etc/bash_completion.d/svcreg (or ~/.local/share/bash-completion/completions/svcreg)
_svcreg() {
    local cur="${COMP_WORDS[COMP_CWORD]}"
    local IFS=$'\n'
    COMPREPLY=($(svcreg __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null | cut -f1))
    if [[ ${#COMPREPLY[@]} -eq 0 ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _svcreg svcreg
`,
	"zsh": `#compdef svcreg
# zsh completion for svcreg: save it as _svcreg in a directory of $fpath,
# or source it after compinit
_svcreg() {
    local -a candidates
    candidates=("${(@f)$(svcreg __complete "${(@)words[2,$CURRENT]}" 2>/dev/null)}")
    candidates=(${candidates:#})
    if (( ${#candidates} )); then
        candidates=("${(@)candidates/$'\t'/:}")   # NAME<tab>TEXT -> NAME:TEXT
        _describe svcreg candidates
    else
        _files
    fi
}
if [[ "${funcstack[1]}" == _svcreg ]]; then
    _svcreg "$@"
else
    compdef _svcreg svcreg
fi
`,
	"fish": `# fish completion for svcreg: save it as ~/.config/fish/completions/svcreg.fish
function __svcreg_complete
    set -l words (commandline -opc)
    set -e words[1]
    svcreg __complete $words (commandline -ct) 2>/dev/null
end
complete -c svcreg -f -a '(__svcreg_complete)'
complete -c svcreg -n 'not __svcreg_complete | string length -q' -F
`,
}

func newCompletionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: `The script completes commands, subcommands and flags by asking svcreg
itself, and file names where an argument is a path.

Examples:
   source <(svcreg completion bash)
   svcreg completion bash > ~/.local/share/bash-completion/completions/svcreg
   svcreg completion zsh > "${fpath[1]}/_svcreg"
   svcreg completion fish > ~/.config/fish/completions/svcreg.fish`,
		Action: func(c *cli.Context) error {
			if err := needArgs(c, 1, 1, "bash, zsh or fish"); err != nil {
				return err
			}
			script, ok := completionScripts[c.Args().First()]
			if !ok {
				return usageErr(fmt.Errorf("completion: unknown shell %q", c.Args().First()), "svcreg completes bash, zsh and fish")
			}
			_, err := io.WriteString(c.App.Writer, script)
			return err
		},
	}
}

// complete prints the completions of the last of words, the command line
// after "svcreg" (see completeCommand).
func complete(app *cli.App, words []string, w io.Writer) {
	cur := ""
	if len(words) > 0 {
		cur, words = words[len(words)-1], words[:len(words)-1]
	}
	l := splitLine(app, words)
	if l.dashdash || l.pending && !isFlag(cur) || l.cmd == nil && len(l.args) > 0 {
		return // an argument, or a flag's value: the shell completes file names
	}
	cmd, cmds := l.cmd, app.Commands
	if cmd != nil {
		cmds = cmd.Subcommands
	}
	switch {
	case strings.HasPrefix(cur, "-"): // flags stand anywhere, after arguments too
		flags := append(commonFlags(), cli.HelpFlag, cli.VersionFlag)
		if cmd != nil {
			flags = append(slices.Clone(cmd.Flags), cli.HelpFlag)
		}
		for _, f := range flags {
			if name := "--" + f.Names()[0]; strings.HasPrefix(name, cur) {
				usage := ""
				if u, ok := f.(interface{ GetUsage() string }); ok {
					usage = u.GetUsage()
				}
				fmt.Fprintf(w, "%s\t%s\n", name, usage)
			}
		}
	case len(l.args) == 0 && (cmd == nil || len(cmd.Subcommands) > 0):
		for _, c := range cmds {
			if !c.Hidden && c.Name != "help" && strings.HasPrefix(c.Name, cur) {
				fmt.Fprintf(w, "%s\t%s\n", c.Name, c.Usage)
			}
		}
	}
}
