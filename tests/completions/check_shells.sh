#!/usr/bin/env bash
# The generated completion scripts, loaded in the real shells (bash, zsh, fish from
# Debian): `sbfn se<TAB>` offers `serve` (and `secrets`), `sbfn ser<TAB>` completes to
# `serve`, flags and their values complete too, and `sbfn secrets <TAB>` offers its actions.
#   check_shells.sh <folder with sbfn.bash, _sbfn, sbfn.fish>
set -uo pipefail
dir=$(cd "$1" && pwd)
failures=0
check() { # what expected actual
  if [[ $3 == *"$2"* ]]; then echo "ok   $1"; else echo "FAIL $1: expected \"$2\" in: $3"; failures=$((failures + 1)); fi
}
for shell in bash zsh fish; do
  command -v $shell >/dev/null || { echo "FAIL: $shell is not installed (scripts/bootstrap.sh installs it)"; exit 1; }
done

bash_complete() { # words... (the last one is being completed)
  bash --norc -c 'source "$0"; COMP_WORDS=("${@}"); COMP_CWORD=$(($# - 1)); _sbfn; echo "${COMPREPLY[*]}"' \
    "$dir/sbfn.bash" "$@"
}
check "bash: sbfn se<TAB>" "serve" "$(bash_complete sbfn se)"
check "bash: sbfn serve --pol<TAB>" "--policy" "$(bash_complete sbfn serve --pol)"
check "bash: sbfn serve --policy <TAB>" "per_worker oneshot" "$(bash_complete sbfn serve --policy '')"
check "bash: sbfn bundle --l<TAB>" "--list" "$(bash_complete sbfn bundle --l)"
check "bash: sbfn secrets <TAB>" "set list unset" "$(bash_complete sbfn secrets '')"
check "bash: sbfn secrets set --to<TAB>" "--token-file" "$(bash_complete sbfn secrets set --to)"

check "fish: sbfn se<TAB>" "serve" "$(fish --no-config -c "source $dir/sbfn.fish; complete -C'sbfn se'")"
check "fish: sbfn serve --pol<TAB>" "--policy" "$(fish --no-config -c "source $dir/sbfn.fish; complete -C'sbfn serve --pol'")"
check "fish: sbfn serve --policy <TAB>" "oneshot" "$(fish --no-config -c "source $dir/sbfn.fish; complete -C'sbfn serve --policy '")"
check "fish: sbfn secrets <TAB>" "unset" "$(fish --no-config -c "source $dir/sbfn.fish; complete -C'sbfn secrets '")"

# zsh completes only in an interactive line editor: drive one through a pseudo-terminal.
zsh_driver=$(mktemp)
trap 'rm -f "$zsh_driver"' EXIT
cat >"$zsh_driver" <<'ZSH'
# $1: the folder holding _sbfn, $2: what is typed before TAB. Prints what the terminal shows.
zmodload zsh/zpty
zpty shell "zsh -f -i"
zpty -w shell "PS1='> '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; bindkey -e"
sleep 1
zpty -w -n shell "$2"$'\t'
sleep 1
zpty -w -n shell $'\n'
sleep 0.5
out=""
for i in {1..20}; do
  while zpty -r -t shell chunk; do out+=$chunk; done
  [[ $out == *'> '*'> '*'> '* ]] && break
  sleep 0.1
done
print -r -- "$out"
zpty -d shell
ZSH
zsh_complete() { zsh -f "$zsh_driver" "$dir" "$1"; }
check "zsh: sbfn ser<TAB>" "sbfn serve" "$(zsh_complete 'sbfn ser')"
check "zsh: sbfn serve --pol<TAB>" "--policy" "$(zsh_complete 'sbfn serve --pol')"

[[ $failures == 0 ]] && echo "all completions work" || { echo "$failures failed"; exit 1; }
