#!/usr/bin/env bash
# Installs the Debian 12 packages PairLens needs to build, test and run - only those missing.
# --fresh-machine adds what scripts/check-fresh-machine.sh needs on the host (CI runs it).
# --fuzz adds clang and libFuzzer for the fuzz targets (scripts/fuzz.sh, build-fuzz/).
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config clang-format
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-svg-dev libqt6svg6 libqt6sql6-sqlite qt6-qpa-plugins libgl-dev libqt6opengl6-dev
    qt6-httpserver-dev qt6-websockets-dev libqt6httpserver6 libqt6websockets6
    libssl-dev zlib1g-dev libsqlite3-dev sqlite3 libphonenumber-dev libprotobuf-dev libsimdjson-dev
    xvfb xauth imagemagick fonts-dejavu-core dpkg-dev file desktop-file-utils appstream qt6-translations-l10n
    python3 python3-yaml util-linux procps lintian man-db gzip curl openssl
    postgresql-15 libpq-dev
)
for arg in "$@"; do
    case "$arg" in
    --fresh-machine) packages+=(debootstrap xdotool git ca-certificates) ;;
    --fuzz) packages+=(clang-14 libclang-rt-14-dev llvm-14) ;;
    *) echo "install-deps.sh: unknown option $arg (--fresh-machine, --fuzz)" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "All build and test packages are installed."
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
