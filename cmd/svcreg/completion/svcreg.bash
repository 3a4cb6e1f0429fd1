# bash completion for svcreg: source it, or save it as
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
