# fish completion for svcreg: save it as ~/.config/fish/completions/svcreg.fish
function __svcreg_complete
    set -l words (commandline -opc)
    set -e words[1]
    svcreg __complete $words (commandline -ct) 2>/dev/null
end
complete -c svcreg -f -a '(__svcreg_complete)'
complete -c svcreg -n 'not __svcreg_complete | string length -q' -F
