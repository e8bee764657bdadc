# shellcheck shell=bash
# Helpers shared by install.sh and uninstall.sh (sourced by both; install.sh copies this
# file next to the installed uninstall.sh). Callers define usage().

say() { printf '%s\n' "$*"; }
warn() { printf 'Note: %s\n' "$*" >&2; }
fail() {
    printf 'Error: %s\n' "$*" >&2
    exit 1
}
usage_error() {
    printf 'Error: %s\n\n' "$*" >&2
    usage >&2
    exit 2
}

# An absolute form of a path, without resolving symlinks (so it reads as the user wrote it).
abs_path() {
    local path=$1
    [[ $path == /* ]] || path="$PWD/$path"
    while [[ $path == */ && $path != / ]]; do path=${path%/}; done
    printf '%s' "$path"
}

# $XDG_*_HOME when it is an absolute path, else the default (as the XDG spec and platformdirs do).
xdg_home() {
    local value=${!1:-}
    if [[ $value == /* ]]; then printf '%s' "$value"; else printf '%s' "$2"; fi
}

# rm -rf, but only for an absolute path that is not "/", not $HOME and has no "..".
remove_tree() {
    local target=$1
    if [[ -z $target || $target != /* || $target == / || $target == "$HOME" || $target == *..* ]]; then
        fail "refusing to delete '$target' (internal safety check)."
    fi
    rm -rf -- "$target"
}
