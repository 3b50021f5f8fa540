#!/bin/bash
# install-deps.sh — install what crtk needs to build and test on Debian 12, from Debian's own packages.
#
# This is the one list of crtk's system packages; README.md and .ci/run both use it.
# Run as root (or with sudo).  Safe to run again: when every package is already
# installed it does nothing.  Pass --fuzz to add clang for the libFuzzer targets.
#
#   build-essential, cmake, pkg-config   compiler (gcc, with its AddressSanitizer) and build
#   libglib2.0-dev                       data structures, option parsing, unit tests (g_test)
#   libsqlite3-dev                       the registry store
#   zlib1g-dev                           reading and writing .xml.gz
#   libxlsxwriter-dev                    Excel reports
#   unzip                                tests: the registry user dictionaries ship as a ZIP
#   libxml2-utils                        tests: xmllint cross-checks well-formedness verdicts
#   python3                              tests: checks that JSON Lines output parses, looks inside stores
#   libpango1.0-dev, libcairo2-dev       follow-up letters as PDF (text layout and drawing)
#   poppler-utils                        tests: pdftotext reads the letters back
#   libreoffice-calc-nogui               tests: LibreOffice (soffice) opens the Excel reports
#   libsoup-3.0-dev, glib-networking     crtk serve: the HTTP(S) server of the web workspace
#   libsodium-dev                        password hashing (Argon2id) and random session tokens
#   chromium, chromium-driver,
#   python3-selenium                     tests: the web workspace driven in a real headless browser
set -euo pipefail

PACKAGES=(build-essential cmake pkg-config libglib2.0-dev libsqlite3-dev zlib1g-dev libxlsxwriter-dev
          unzip libxml2-utils python3 libpango1.0-dev libcairo2-dev poppler-utils
          libreoffice-calc-nogui
          libsoup-3.0-dev glib-networking libsodium-dev
          chromium chromium-driver python3-selenium)
for arg in "$@"; do
    case "$arg" in
    --fuzz) PACKAGES+=(clang) ;;
    --list) printf '%s\n' "${PACKAGES[@]}"; exit 0 ;;
    *) echo "usage: $0 [--fuzz] [--list]" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages are installed"
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
    SUDO=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
