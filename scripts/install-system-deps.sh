#!/usr/bin/env bash
# Install the Debian packages WeasyPrint needs, where they are missing.
# Pango lays out the text; harfbuzz-subset keeps font subsetting fast (without it
# WeasyPrint silently falls back to a much slower path). The theme's own fonts ship
# with it; for scripts they lack, the theme falls back to installed fonts:
# fonts-noto-cjk (Chinese, Japanese, Korean; about 57 MB to download, 91 MB
# installed) and fonts-dejavu-core (Arabic, Hebrew and more).
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info fonts-noto-cjk fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system libraries: all present"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "missing system libraries: ${missing[*]}; install them with your package manager" >&2
  exit 1
fi
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
echo "installing system libraries: ${missing[*]}"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
