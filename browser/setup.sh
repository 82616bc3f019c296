# Sourced by scripts/browser-tests and scripts/page-weight from the workspace root:
# installs what a fresh Debian machine lacks for the browser harness — Debian's chromium
# (and chromium-driver), Node.js and npm when absent — then the pinned npm packages of
# browser/package-lock.json (npm ci; no install scripts, so no browser download).

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
apt_updated=""
apt_install() {
    if [[ -z "$apt_updated" ]]; then apt-get update -qq; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
if [[ ! -x "$chromium_path" ]]; then
    echo "browser setup: installing chromium chromium-driver (apt)"
    apt_install chromium chromium-driver
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "browser setup: installing nodejs npm (apt)"
    apt_install nodejs npm
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if (( node_major < 20 )); then
    echo "browser setup: Node.js $(node --version) is too old; the harness needs Node.js 20 or later" >&2
    exit 1
fi
"$chromium_path" --version 2>/dev/null | head -n 1
if [[ "${CI:-}" == "true" || ! -f browser/node_modules/.package-lock.json ]] ||
    ! cmp -s browser/package-lock.json browser/.installed-package-lock.json; then
    (cd browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && cp package-lock.json .installed-package-lock.json)
fi
