#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet.
# Quiet and quick when all are present; runs `apt-get update` at most once.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 PACKAGE..." >&2
  exit 2
fi

missing=()
for package in "$@"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  if [ "$status" != "installed" ]; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-debian-packages: ${missing[*]} missing and installing needs root (running as uid $(id -u))" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-debian-packages: installing ${missing[*]}" >&2
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
