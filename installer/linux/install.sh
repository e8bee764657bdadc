#!/usr/bin/env bash
# Installs Headshot Studio for the current user, without administrator rights.
# Run it from inside the extracted download:  ./install.sh   (./install.sh --help for options)
#
# What it creates, and nothing else (uninstall.sh removes exactly these):
#   <prefix>/headshot-studio/                     the program (replaced whole on reinstall)
#   <bin-dir>/headshot-studio                     a symlink to the program
#   $XDG_DATA_HOME/applications/headshot-studio.desktop
#   $XDG_DATA_HOME/icons/hicolor/<N>x<N>/apps/headshot-studio.png, .../scalable/apps/headshot-studio.svg
# The user's photos, sessions and settings live elsewhere and are never touched here.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true # bash 5.2: "&" in ${x//a/b} stays literal

readonly APP_ID="headshot-studio"
readonly MANIFEST=".install-manifest" # inside the app folder; lists what this script created

usage() {
    cat <<'EOF'
Install Headshot Studio for your user account (no administrator rights needed).

Usage: ./install.sh [--prefix DIR] [--bin-dir DIR]

  --prefix DIR    put the program in DIR/headshot-studio
                  (default: $PREFIX if set, otherwise ~/.local/opt)
  --bin-dir DIR   put the "headshot-studio" command in DIR (default: ~/.local/bin)
  -h, --help      show this help and exit

Installing again replaces the program and keeps your photos, sessions and settings.
Headshot Studio works offline: nothing you give it is uploaded anywhere.
EOF
}

# shellcheck source=installer/linux/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" || {
    printf 'Error: common.sh is missing next to %s. Extract the whole download again and retry.\n' "$0" >&2
    exit 1
}

# The program path as one argument of a desktop entry's Exec key: quoted when it holds a
# reserved character, "%" doubled, then backslashes escaped once more for the string value.
desktop_exec_arg() {
    local arg=$1
    if [[ $arg == *[[:space:]\"\'\\\>\<~\|\&\;\$\*\?\#\(\)\`]* ]]; then
        arg=${arg//\\/\\\\}
        arg=${arg//\"/\\\"}
        arg=${arg//\`/\\\`}
        arg=${arg//\$/\\\$}
        arg="\"$arg\""
    fi
    arg=${arg//%/%%}
    arg=${arg//\\/\\\\}
    printf '%s' "$arg"
}

# --- 1. Options -------------------------------------------------------------------------
if [[ ${HOME:-} != /* ]]; then
    fail "HOME is not set to a folder, so there is nowhere to install for you. Log in normally and try again."
fi
prefix=${PREFIX:-$HOME/.local/opt}
prefix_given=${PREFIX:+yes}
bin_dir="$HOME/.local/bin"
while [[ $# -gt 0 ]]; do
    case $1 in
        --prefix)
            [[ $# -ge 2 && -n $2 ]] || usage_error "--prefix needs a folder, e.g. --prefix ~/apps"
            prefix=$2 prefix_given=yes
            shift 2
            ;;
        --prefix=?*) prefix=${1#*=} prefix_given=yes && shift ;;
        --bin-dir)
            [[ $# -ge 2 && -n $2 ]] || usage_error "--bin-dir needs a folder, e.g. --bin-dir ~/bin"
            bin_dir=$2
            shift 2
            ;;
        --bin-dir=?*) bin_dir=${1#*=} && shift ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) usage_error "unknown option '$1'." ;;
    esac
done

# --- 2. Check the download and the target before changing anything ----------------------
src_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
bundle="$src_dir/app"
if [[ ! -f $bundle/$APP_ID || ! -x $bundle/$APP_ID ]]; then
    fail "the program files are missing from this folder ($bundle/$APP_ID not found).
Extract the whole download first (tar -xzf headshot-studio-*.tar.gz), then run ./install.sh
from inside the folder it creates."
fi
for part in uninstall.sh common.sh headshot-studio.desktop; do
    [[ -f $src_dir/$part ]] || fail "$part is missing from $src_dir. Extract the whole download again and retry."
done
if [[ $EUID -eq 0 && -z $prefix_given ]]; then
    warn "you are running this as root, so it installs for the root account only.
      To install for yourself, run ./install.sh without sudo."
fi

prefix=$(abs_path "$prefix")
bin_dir=$(abs_path "$bin_dir")
if ! mkdir -p -- "$prefix" 2>/dev/null || [[ ! -w $prefix ]]; then
    fail "cannot write to $prefix.
Install into a folder you own: run ./install.sh without --prefix (it uses ~/.local/opt,
no administrator rights needed), or choose another folder with --prefix DIR."
fi
app_dir="$prefix/$APP_ID"
if [[ $app_dir == *$'\n'* ]]; then
    fail "the folder name contains a line break; choose another folder with --prefix DIR."
fi
if [[ -L $app_dir || (-e $app_dir && ! -f $app_dir/$MANIFEST) ]]; then
    fail "$app_dir already exists and was not made by this installer, so it was left alone.
Move it away, or choose another folder with --prefix DIR."
fi

data_home=$(xdg_home XDG_DATA_HOME "$HOME/.local/share")
apps_dir="$data_home/applications"
desktop_entry="$apps_dir/$APP_ID.desktop"
icon_root="$data_home/icons/hicolor"
launcher="$bin_dir/$APP_ID"

# Icons ship as icons/headshot-studio-<N>.png and icons/headshot-studio.svg.
icon_sources=() icon_targets=()
for png in "$src_dir"/icons/"$APP_ID"-*.png; do
    size=${png##*/"$APP_ID"-}
    size=${size%.png}
    if [[ -f $png && $size =~ ^[0-9]+$ ]]; then
        icon_sources+=("$png") icon_targets+=("$icon_root/${size}x${size}/apps/$APP_ID.png")
    fi
done
if [[ -f $src_dir/icons/$APP_ID.svg ]]; then
    icon_sources+=("$src_dir/icons/$APP_ID.svg") icon_targets+=("$icon_root/scalable/apps/$APP_ID.svg")
fi

# --- 3. Copy the program next to its final place, then swap it in ------------------------
# A failure part-way leaves the previous install as it was (the trap puts it back).
staging="" old="" entry_tmp=""
cleanup() {
    if [[ -n $staging && -d $staging ]]; then remove_tree "$staging"; fi
    if [[ -n $old && -d $old/$APP_ID && ! -e $app_dir ]]; then mv -- "$old/$APP_ID" "$app_dir"; fi
    if [[ -n $old && -d $old ]]; then remove_tree "$old"; fi
    if [[ -n $entry_tmp && -f $entry_tmp ]]; then rm -f -- "$entry_tmp"; fi
}
trap cleanup EXIT

say "Installing Headshot Studio into $app_dir ..."
if ! staging=$(mktemp -d "$prefix/.$APP_ID.new.XXXXXX" 2>/dev/null); then
    staging=""
    fail "cannot write to $prefix. Choose a folder you own with --prefix DIR."
fi
chmod 755 "$staging"
cp -a -- "$bundle/." "$staging/"
install -m 755 -- "$src_dir/uninstall.sh" "$staging/uninstall.sh"
install -m 644 -- "$src_dir/common.sh" "$staging/common.sh"
{
    say "# Written by install.sh: what it created. uninstall.sh reads this file."
    say "app_dir=$app_dir"
    say "launcher=$launcher"
    say "desktop_entry=$desktop_entry"
    for target in "${icon_targets[@]}"; do say "icon=$target"; done
} >"$staging/$MANIFEST"

if [[ -d $app_dir ]]; then
    old=$(mktemp -d "$prefix/.$APP_ID.old.XXXXXX")
    mv -- "$app_dir" "$old/"
fi
mv -- "$staging" "$app_dir"
staging=""
if [[ -n $old ]]; then
    remove_tree "$old"
    old=""
fi

# --- 4. The command, the menu entry and the icons ---------------------------------------
launcher_made=""
if [[ -e $launcher && ! -L $launcher ]]; then
    warn "$launcher already exists and is not a link made by this installer
      (perhaps from a pip install), so it was left as it is."
elif mkdir -p -- "$bin_dir" 2>/dev/null && ln -sfn -- "$app_dir/$APP_ID" "$launcher" 2>/dev/null; then
    launcher_made=yes
else
    warn "could not create the headshot-studio command in $bin_dir (not writable)."
fi

mkdir -p -- "$apps_dir"
exec_value=$(desktop_exec_arg "$app_dir/$APP_ID")
entry_tmp=$(mktemp "$apps_dir/.$APP_ID.desktop.XXXXXX")
while IFS= read -r line || [[ -n $line ]]; do
    printf '%s\n' "${line//@EXEC@/"$exec_value"}"
done <"$src_dir/$APP_ID.desktop" >"$entry_tmp"
chmod 644 "$entry_tmp"
mv -f -- "$entry_tmp" "$desktop_entry"
entry_tmp=""

for i in "${!icon_sources[@]}"; do
    mkdir -p -- "$(dirname -- "${icon_targets[$i]}")"
    install -m 644 -- "${icon_sources[$i]}" "${icon_targets[$i]}"
done
if [[ ${#icon_sources[@]} -eq 0 ]]; then
    warn "this download has no icons; the menu entry will show a generic one."
fi

# Refresh only caches that already exist: a stale cache hides new entries, while with no
# cache at all the desktop reads the folders directly (and we leave no new files behind).
if command -v update-desktop-database >/dev/null 2>&1 && [[ -f $apps_dir/mimeinfo.cache ]]; then
    update-desktop-database -q "$apps_dir" >/dev/null 2>&1 || true
fi
if [[ -d $icon_root ]]; then touch -c -- "$icon_root" 2>/dev/null || true; fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [[ -f $icon_root/icon-theme.cache ]]; then
    gtk-update-icon-cache -q -f -t "$icon_root" >/dev/null 2>&1 || true
fi

# --- 5. Check that the installed program starts ------------------------------------------
run_check() {
    if command -v timeout >/dev/null 2>&1; then
        timeout 120 "$app_dir/$APP_ID" --version 2>&1
    else
        "$app_dir/$APP_ID" --version 2>&1
    fi
}
if ! version=$(run_check) || [[ $version != *"Headshot Studio"* ]]; then
    fail "the files are in place, but the program did not start. It said:
${version:-(nothing)}
Please report this together with your Linux version. To remove the files again, run
$app_dir/uninstall.sh"
fi
version=$(printf '%s\n' "$version" | grep -m1 'Headshot Studio' || true)

# --- 6. Tell the user what happened ------------------------------------------------------
on_path=""
IFS=: read -r -a path_dirs <<<"${PATH:-}"
for dir in "${path_dirs[@]}"; do
    if [[ -n $dir && ($dir == "$bin_dir" || $dir -ef $bin_dir) ]]; then on_path=yes; fi
done
if [[ -n $launcher_made && -n $on_path ]]; then
    command=$APP_ID
else
    command=$(printf '%q' "$app_dir/$APP_ID")
fi

say ""
say "$version is installed."
say ""
say "  Installed in:  $app_dir"
say "  Start it:      choose \"Headshot Studio\" in your applications menu (it may take"
say "                 a moment to appear there), or in a terminal run:"
say "                     $command"
say "  Offline:       it works without an internet connection; your photos never leave"
say "                 this computer."
say "  Uninstall:     $(printf '%q' "$app_dir/uninstall.sh")"
say "                 (keeps your photos, sessions and settings; add --purge to delete them too)"
if [[ -n $launcher_made && -z $on_path ]]; then
    say ""
    say "Hint: the folder $bin_dir is not on your PATH yet,"
    say "so a terminal will not find the $APP_ID command. Many systems add it when you"
    say "log in again; if yours does not, add this line to ~/.profile and log in again:"
    say "    export PATH=\"$bin_dir:\$PATH\""
fi
