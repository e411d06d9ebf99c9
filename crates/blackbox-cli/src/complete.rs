//! Completion scripts for bash, zsh and fish (`blackbox completions SHELL`),
//! written by hand: they follow the command line of `args.rs`.

/// The completion script for `shell`, or `None` for a shell without one.
pub(crate) fn script(shell: &str) -> Option<&'static str> {
    match shell {
        "bash" => Some(BASH),
        "zsh" => Some(ZSH),
        "fish" => Some(FISH),
        _ => None,
    }
}

/// The bash script: a `_blackbox` function for `complete -F`.
const BASH: &str = r#"# bash completion for blackbox. Load it with:  source <(blackbox completions bash)
_blackbox() {
    local cur prev i word command="" sub=""
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    case "$prev" in
        --server) COMPREPLY=($(compgen -W "production staging local" -- "$cur")); return ;;
        -o|--output) COMPREPLY=($(compgen -W "table json" -- "$cur")); return ;;
        --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --token-file|--ca-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --server-url|--timeout|--connect-timeout|--attempt-timeout|--retries|--hours) COMPREPLY=(); return ;;
    esac
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        case "$word" in
            --server|--server-url|--token-file|--ca-file|--timeout|--connect-timeout|--attempt-timeout|--retries|-o|--output|--color|--hours) ((i++)) ;;
            -*) ;;
            *) if [[ -z "$command" ]]; then command="$word"; elif [[ -z "$sub" ]]; then sub="$word"; fi ;;
        esac
    done
    if [[ "$cur" == -* ]]; then
        local options="--server --server-url --token-file --ca-file --timeout --connect-timeout --attempt-timeout --retries --debug --output --show-tokens --color --yes --help --version"
        case "$sub" in
            extend) options="$options --hours" ;;
            revoke-all) options="$options --keep-current" ;;
        esac
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi
    case "$command" in
        "") COMPREPLY=($(compgen -W "sessions completions help" -- "$cur")) ;;
        sessions) [[ -z "$sub" ]] && COMPREPLY=($(compgen -W "list get stats extend revoke revoke-all cleanup" -- "$cur")) ;;
        completions) [[ -z "$sub" ]] && COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
        help) COMPREPLY=($(compgen -W "sessions completions" -- "$cur")) ;;
    esac
}
complete -F _blackbox blackbox
"#;

/// The zsh script, for a `_blackbox` file in `$fpath`.
const ZSH: &str = r#"#compdef blackbox
# zsh completion for blackbox. Install it with:
#   blackbox completions zsh > "${fpath[1]}/_blackbox"
_blackbox() {
  local curcontext="$curcontext" state line
  local -a options
  options=(
    '--server[a named server]:server:(production staging local)'
    '--server-url[any base URL of the API]:url: '
    '--token-file[the file holding the token, - for standard input]:file:_files'
    '--ca-file[a PEM file of CA certificates to trust]:file:_files'
    '--timeout[limit for the whole command, in seconds]:seconds: '
    '--connect-timeout[limit for connecting, in seconds]:seconds: '
    '--attempt-timeout[limit for one attempt, in seconds]:seconds: '
    '--retries[retries of a failed attempt]:count: '
    '--debug[log requests and answers on standard error]'
    '(-o --output)'{-o,--output}'[output format]:format:(table json)'
    '--show-tokens[show session tokens]'
    '--color[when to use colours]:when:(auto always never)'
    '(-y --yes)'{-y,--yes}'[do not ask before destructive commands]'
    '(- *)'{-h,--help}'[print help]'
    '(- *)'{-V,--version}'[print the version]'
  )
  _arguments -C $options '1:command:->command' '*::argument:->argument'
  case $state in
    command)
      local -a commands
      commands=(
        'sessions:manage the sessions of the account'
        'completions:print a shell completion script'
        'help:print help'
      )
      _describe command commands
      ;;
    argument)
      case $words[1] in
        sessions)
          if (( CURRENT == 2 )); then
            local -a subcommands
            subcommands=(
              'list:list the sessions'
              'get:show one session'
              'stats:count the sessions'
              'extend:extend a session'
              'revoke:revoke one session'
              'revoke-all:revoke all sessions'
              'cleanup:delete the expired sessions'
            )
            _describe 'sessions command' subcommands
          else
            case $words[2] in
              extend) _arguments $options '--hours[hours to add]:hours: ' '*:session id: ' ;;
              revoke-all) _arguments $options '--keep-current[keep the current session]' ;;
              *) _arguments $options '*:session id: ' ;;
            esac
          fi
          ;;
        completions) _values shell bash zsh fish ;;
        help) _values command sessions completions ;;
      esac
      ;;
  esac
}
_blackbox "$@"
"#;

/// The fish script, for `~/.config/fish/completions/blackbox.fish`.
const FISH: &str = r#"# fish completion for blackbox. Install it with:
#   blackbox completions fish > ~/.config/fish/completions/blackbox.fish
complete -c blackbox -f
complete -c blackbox -n __fish_use_subcommand -a sessions -d 'Manage the sessions of the account'
complete -c blackbox -n __fish_use_subcommand -a completions -d 'Print a shell completion script'
complete -c blackbox -n __fish_use_subcommand -a help -d 'Print help'
set -l __blackbox_sessions list get stats extend revoke revoke-all cleanup
complete -c blackbox -n "__fish_seen_subcommand_from sessions; and not __fish_seen_subcommand_from $__blackbox_sessions" -a list -d 'List the sessions'
complete -c blackbox -n "__fish_seen_subcommand_from sessions; and not __fish_seen_subcommand_from $__blackbox_sessions" -a get -d 'Show one session'
complete -c blackbox -n "__fish_seen_subcommand_from sessions; and not __fish_seen_subcommand_from $__blackbox_sessions" -a stats -d 'Count the sessions'
complete -c blackbox -n "__fish_seen_subcommand_from sessions; and not __fish_seen_subcommand_from $__blackbox_sessions" -a extend -d 'Extend a session'
complete -c blackbox -n "__fish_seen_subcommand_from sessions; and not __fish_seen_subcommand_from $__blackbox_sessions" -a revoke -d 'Revoke one session'
complete -c blackbox -n "__fish_seen_subcommand_from sessions; and not __fish_seen_subcommand_from $__blackbox_sessions" -a revoke-all -d 'Revoke all sessions'
complete -c blackbox -n "__fish_seen_subcommand_from sessions; and not __fish_seen_subcommand_from $__blackbox_sessions" -a cleanup -d 'Delete the expired sessions'
complete -c blackbox -n "__fish_seen_subcommand_from completions" -a "bash zsh fish"
complete -c blackbox -l server -x -a "production staging local" -d 'A named server'
complete -c blackbox -l server-url -x -d 'Any base URL of the API'
complete -c blackbox -l token-file -r -F -d 'The file holding the token (- for standard input)'
complete -c blackbox -l ca-file -r -F -d 'A PEM file of CA certificates to trust'
complete -c blackbox -l timeout -x -d 'Limit for the whole command, in seconds'
complete -c blackbox -l connect-timeout -x -d 'Limit for connecting, in seconds'
complete -c blackbox -l attempt-timeout -x -d 'Limit for one attempt, in seconds'
complete -c blackbox -l retries -x -d 'Retries of a failed attempt'
complete -c blackbox -l debug -d 'Log requests and answers on standard error'
complete -c blackbox -s o -l output -x -a "table json" -d 'Output format'
complete -c blackbox -l show-tokens -d 'Show session tokens'
complete -c blackbox -l color -x -a "auto always never" -d 'When to use colours'
complete -c blackbox -s y -l yes -d 'Do not ask before destructive commands'
complete -c blackbox -s h -l help -d 'Print help'
complete -c blackbox -s V -l version -d 'Print the version'
complete -c blackbox -n "__fish_seen_subcommand_from extend" -l hours -x -d 'Hours to add'
complete -c blackbox -n "__fish_seen_subcommand_from revoke-all" -l keep-current -d 'Keep the current session'
"#;
