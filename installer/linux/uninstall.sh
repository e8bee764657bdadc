#!/usr/bin/env bash
# Removes what install.sh created: the program folder, the headshot-studio command (only
# when it links into that folder), the menu entry and the icons. The user's photos,
# sessions, imported models and settings are kept unless --purge is given.
# Safe to run twice. Usage: uninstall.sh [--prefix DIR] [--bin-dir DIR] [--purge [--yes]]
set -euo pipefail

readonly APP_ID="headshot-studio"
readonly DATA_NAME="HeadshotStudio" # platformdirs app name (headshot_studio/paths.py)
readonly MANIFEST=".install-manifest"

usage() {
    cat <<'EOF'
Uninstall Headshot Studio from your user account.

Usage: uninstall.sh [--prefix DIR] [--bin-dir DIR] [--purge [--yes]]

  --prefix DIR    the program is in DIR/headshot-studio (default: the folder this
                  script is in when run from there, else $PREFIX, else ~/.local/opt)
  --bin-dir DIR   where the "headshot-studio" command was put (default: ~/.local/bin)
  --purge         also delete your photos, sessions, imported models, settings,
                  cache and logs (asks first)
  -y, --yes       do not ask before --purge deletes your data
  -h, --help      show this help and exit

Without --purge your data is kept, so installing again later picks up where you left off.
EOF
}

# shellcheck source=installer/linux/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" || {
    printf 'Error: common.sh is missing next to %s. Extract the whole download again and retry.\n' "$0" >&2
    exit 1
}

# --- 1. Options --------------------------------------------------------------------------
if [[ ${HOME:-} != /* ]]; then
    fail "HOME is not set to a folder, so there is nothing of yours to find. Log in normally and try again."
fi
prefix="" bin_dir="" purge="" yes=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --prefix)
            [[ $# -ge 2 && -n $2 ]] || usage_error "--prefix needs a folder"
            prefix=$2
            shift 2
            ;;
        --prefix=?*) prefix=${1#*=} && shift ;;
        --bin-dir)
            [[ $# -ge 2 && -n $2 ]] || usage_error "--bin-dir needs a folder"
            bin_dir=$2
            shift 2
            ;;
        --bin-dir=?*) bin_dir=${1#*=} && shift ;;
        --purge) purge=yes && shift ;;
        -y | --yes) yes=yes && shift ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) usage_error "unknown option '$1'." ;;
    esac
done

# --- 2. Find what install.sh made ---------------------------------------------------------
script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
if [[ -n $prefix ]]; then
    app_dir="$(abs_path "$prefix")/$APP_ID"
elif [[ ${script_dir##*/} == "$APP_ID" && -f $script_dir/$MANIFEST ]]; then
    app_dir=$script_dir # run as <app folder>/uninstall.sh
else
    app_dir="$(abs_path "${PREFIX:-$HOME/.local/opt}")/$APP_ID"
fi
cd / # the app folder may be the current folder, and it is about to go

if [[ -L $app_dir || (-e $app_dir && ! -f $app_dir/$MANIFEST) ]]; then
    fail "$app_dir does not look like a Headshot Studio installation (it has no $MANIFEST),
so nothing was removed. Use --prefix DIR to point at the folder you installed into."
fi

data_home=$(xdg_home XDG_DATA_HOME "$HOME/.local/share")
launchers=("${bin_dir:-$HOME/.local/bin}/$APP_ID")
desktop_entries=("$data_home/applications/$APP_ID.desktop")
icons=("$data_home/icons/hicolor/"*/apps/"$APP_ID".png "$data_home/icons/hicolor/scalable/apps/$APP_ID.svg")
if [[ -f $app_dir/$MANIFEST ]]; then
    # What was created at install time (XDG_DATA_HOME or --bin-dir may have differed then).
    while IFS='=' read -r key value; do
        [[ $value == /* ]] || continue
        case $key in
            launcher) launchers+=("$value") ;;
            desktop_entry) desktop_entries+=("$value") ;;
            icon) icons+=("$value") ;;
        esac
    done <"$app_dir/$MANIFEST"
fi

# Each path must carry our name, so a damaged manifest cannot point us at other files.
declare -A seen=()
entries_to_remove=()
for file in "${desktop_entries[@]}" "${icons[@]}"; do
    case $file in
        */applications/"$APP_ID".desktop | */apps/"$APP_ID".png | */apps/"$APP_ID".svg)
            if [[ -f $file && -z ${seen[$file]:-} ]]; then entries_to_remove+=("$file") && seen[$file]=1; fi
            ;;
    esac
done
links_to_remove=()
for link in "${launchers[@]}"; do
    # Only our own link: a symlink whose target is inside the app folder.
    if [[ ${link##*/} == "$APP_ID" && -L $link && $(readlink -- "$link") == "$app_dir/"* && -z ${seen[$link]:-} ]]; then
        links_to_remove+=("$link") && seen[$link]=1
    fi
done

state_dirs=()
if [[ -n $purge ]]; then
    for dir in "$data_home/$DATA_NAME" \
        "$(xdg_home XDG_CONFIG_HOME "$HOME/.config")/$DATA_NAME" \
        "$(xdg_home XDG_CACHE_HOME "$HOME/.cache")/$DATA_NAME" \
        "$(xdg_home XDG_STATE_HOME "$HOME/.local/state")/$DATA_NAME"; do
        if [[ -e $dir || -L $dir ]]; then state_dirs+=("$dir"); fi
    done
fi

# --- 3. Ask before deleting the user's own work --------------------------------------------
if [[ ${#state_dirs[@]} -gt 0 && -z $yes ]]; then
    if [[ ! -t 0 ]]; then
        fail "--purge deletes your photos, sessions, imported models and settings, so it asks
first, but there is no terminal to ask in. Run it again with --purge --yes to confirm.
Nothing was removed."
    fi
    say "--purge will delete your Headshot Studio data for good:"
    for dir in "${state_dirs[@]}"; do say "  $dir"; done
    read -r -p "Delete your photos, sessions, models and settings? Type yes to confirm: " answer || answer=""
    if [[ $answer != yes && $answer != y ]]; then
        say "Nothing was removed."
        exit 1
    fi
fi

# --- 4. Remove --------------------------------------------------------------------------------
removed=0
for link in "${links_to_remove[@]}"; do
    rm -f -- "$link"
    say "Removed the command $link"
    removed=$((removed + 1))
done
for file in "${entries_to_remove[@]}"; do
    rm -f -- "$file"
    say "Removed $file"
    removed=$((removed + 1))
    if [[ $file == */apps/* ]]; then
        # Drop an icon's <N>x<N>/apps folders too when they are empty now (rmdir keeps others).
        rmdir -- "${file%/*}" "${file%/apps/*}" 2>/dev/null || true
    fi
done
if [[ -d $app_dir ]]; then
    remove_tree "$app_dir"
    say "Removed the program folder $app_dir"
    removed=$((removed + 1))
fi

icon_root="$data_home/icons/hicolor"
if command -v update-desktop-database >/dev/null 2>&1 && [[ -f $data_home/applications/mimeinfo.cache ]]; then
    update-desktop-database -q "$data_home/applications" >/dev/null 2>&1 || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [[ -f $icon_root/icon-theme.cache ]]; then
    gtk-update-icon-cache -q -f -t "$icon_root" >/dev/null 2>&1 || true
fi

for dir in "${state_dirs[@]}"; do
    case $dir in
        /*/"$DATA_NAME") remove_tree "$dir" && say "Deleted your data folder $dir" ;;
        *) say "Skipped $dir (unexpected name)" ;;
    esac
done

# --- 5. Say what is left -------------------------------------------------------------------------
if [[ $removed -eq 0 ]]; then
    say "Headshot Studio is not installed in $app_dir; there was nothing to remove."
else
    say "Headshot Studio is uninstalled."
fi
if [[ -z $purge ]]; then
    kept=()
    for dir in "$data_home/$DATA_NAME" \
        "$(xdg_home XDG_CONFIG_HOME "$HOME/.config")/$DATA_NAME" \
        "$(xdg_home XDG_CACHE_HOME "$HOME/.cache")/$DATA_NAME" \
        "$(xdg_home XDG_STATE_HOME "$HOME/.local/state")/$DATA_NAME"; do
        if [[ -e $dir ]]; then kept+=("$dir"); fi
    done
    if [[ ${#kept[@]} -gt 0 ]]; then
        say "Your photos, sessions, imported models and settings are kept in:"
        for dir in "${kept[@]}"; do say "  $dir"; done
        say "Installing again picks them up. To delete them as well, delete those folders."
    fi
fi
if [[ -n ${HEADSHOT_STUDIO_HOME:-} ]]; then
    say "Note: HEADSHOT_STUDIO_HOME is set ($HEADSHOT_STUDIO_HOME); that folder was not touched."
fi
