#!/usr/bin/env bash
# Builds app/Dockerfile, unmodified, with buildah on a machine that has no Docker engine and no
# container registry: installs buildah and debootstrap if missing, builds a local stand-in for
# every base image the Dockerfile names (scripts/container/build-node-base.sh, cached), then runs
# `buildah bud --pull=never` so only those stand-ins can be used.
#
#   scripts/container/build-image.sh [TAG]        (default localhost/aca-reference-service:dev)
#
# Run the result (buildah's chroot isolation shares the host network; podman cannot start
# containers on machines that refuse setrlimit):
#   container=$(buildah --storage-driver vfs from --pull=never TAG)
#   buildah --storage-driver vfs run --isolation chroot --user node -e PORT=8000 "$container" \
#     -- node dist/bootstrap.js
set -euo pipefail

tag="${1:-localhost/aca-reference-service:dev}"
repository_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
context="$repository_root/app"
dockerfile="$context/Dockerfile"
storage_driver="${BUILDAH_STORAGE_DRIVER:-vfs}"

"$repository_root/scripts/ensure-debian-packages.sh" buildah debootstrap

# Every `FROM <image>` that is not an earlier stage of the same Dockerfile.
mapfile -t stages < <(sed -nE 's/^[[:space:]]*FROM[[:space:]]+(--[^[:space:]]+[[:space:]]+)*[^[:space:]]+[[:space:]]+AS[[:space:]]+([^[:space:]]+).*/\2/Ip' "$dockerfile")
mapfile -t bases < <(sed -nE 's/^[[:space:]]*FROM[[:space:]]+(--[^[:space:]]+[[:space:]]+)*([^[:space:]]+).*/\2/Ip' "$dockerfile" | sort -u)
for base in "${bases[@]}"; do
  is_stage=false
  for stage in "${stages[@]}"; do
    [ "${base,,}" = "${stage,,}" ] && is_stage=true
  done
  "$is_stage" || "$repository_root/scripts/container/build-node-base.sh" "$base"
done

echo "build-image: buildah bud $dockerfile -> $tag" >&2
buildah --storage-driver "$storage_driver" bud --isolation chroot --pull=never \
  -f "$dockerfile" -t "$tag" "$context"
