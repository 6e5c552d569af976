# Shared by ./run and ./test (sourced, not run): a Python 3.11+ virtual environment in
# .venv with the project installed, and the Debian packages WeasyPrint needs.

# Libraries WeasyPrint loads at run time, and the fonts the PDF letters use.
RUNTIME_DEBS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() {
    printf '\033[1;31mLỗi / error: %s\033[0m\n' "$*" >&2
    exit 1
}

# The first Python between 3.11 and 3.13: $PYTHON, python3.11 … python3.
find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    die "Python 3.11 (3.11–3.13) is needed: sudo apt-get install python3 python3-venv (Debian 12 / Ubuntu 24.04), or set PYTHON=/path/to/python3.11"
}

missing_debs() {
    local package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
            printf '%s\n' "$package"
        fi
    done
}

# Installs Debian packages when they are missing: as root directly, otherwise through a
# password-less sudo; failing both, prints the command to run and returns 1.
install_debs() {
    command -v dpkg-query >/dev/null 2>&1 || return 0 # not Debian/Ubuntu: nothing to check
    local missing
    mapfile -t missing < <(missing_debs "$@")
    ((${#missing[@]})) || return 0
    local sudo=()
    if [[ $(id -u) != 0 ]]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo)
        else
            printf 'Thiếu gói / missing packages: sudo apt-get install -y %s\n' "${missing[*]}" >&2
            return 1
        fi
    fi
    say "apt-get install ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# ensure_venv runtime|dev — creates .venv and installs the pinned, hash-checked lock
# (requirements/lock.txt, or requirements/dev-lock.txt for "dev"; scripts/lock writes them),
# then the project itself without dependencies. Skipped when neither that lock nor
# pyproject.toml has changed since the last install of that kind.
ensure_venv() {
    local kind=$1 lock=requirements/lock.txt stamp=.venv/.motcua-installed hash
    [[ $kind == dev ]] && lock=requirements/dev-lock.txt
    [[ -f $lock ]] || die "$lock is missing: run scripts/lock"
    if [[ ! -x .venv/bin/python ]]; then
        local python
        python=$(find_python)
        say "Tạo môi trường ảo / creating .venv with $python"
        if ! "$python" -m venv .venv 2>/dev/null; then
            rm -rf .venv # Debian's python3 without ensurepip leaves a broken half
            local version
            version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
            install_debs "python$version-venv" || die "the venv module is missing: sudo apt-get install python$version-venv"
            "$python" -m venv .venv || die "could not create .venv"
        fi
    fi
    hash=$(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)
    # A dev install also satisfies ./run when the runtime lock is unchanged too (the dev lock
    # constrains it); a runtime install does not satisfy ./test.
    if [[ -f $stamp ]] && grep -qx "$hash $kind" "$stamp"; then
        return 0
    fi
    if [[ $kind == runtime && -f $stamp ]] &&
        grep -qx "$(cat requirements/dev-lock.txt pyproject.toml | sha256sum | cut -d' ' -f1) dev" "$stamp"; then
        return 0
    fi
    say "pip install --require-hashes -r $lock"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock" ||
        die "pip install failed (see above)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e . ||
        die "pip install -e . failed (see above)"
    printf '%s %s\n' "$hash" "$kind" >"$stamp"
}

# export_site_url PORT — QR codes, e-mails and slips link to SITE_URL: unless it is set (in
# the environment or in .env), it is the address this run serves, whatever the port.
export_site_url() {
    if [[ -z ${SITE_URL:-} ]] && ! grep -qs '^[[:space:]]*SITE_URL=' .env; then
        export SITE_URL="http://127.0.0.1:$1"
    fi
}
