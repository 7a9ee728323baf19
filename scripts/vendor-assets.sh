#!/usr/bin/env bash
# Refresh the vendored front-end assets in static/vendor/ from the npm registry (never a CDN).
# Only the dist files the pages load are kept, each with its LICENSE; node_modules is never committed.
#   bash scripts/vendor-assets.sh            # the pinned versions below
#   BOOTSTRAP=5.3.9 HTMX=2.0.11 bash scripts/vendor-assets.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BOOTSTRAP=${BOOTSTRAP:-5.3.9}
HTMX=${HTMX:-2.0.11}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" >/dev/null)
mkdir -p "$tmp/bootstrap" "$tmp/htmx" static/vendor/bootstrap static/vendor/htmx
tar -xzf "$tmp/bootstrap-$BOOTSTRAP.tgz" -C "$tmp/bootstrap"
tar -xzf "$tmp/htmx.org-$HTMX.tgz" -C "$tmp/htmx"

cp "$tmp/bootstrap/package/dist/css/bootstrap.min.css" \
    "$tmp/bootstrap/package/dist/js/bootstrap.bundle.min.js" \
    "$tmp/bootstrap/package/LICENSE" static/vendor/bootstrap/
cp "$tmp/htmx/package/dist/htmx.min.js" "$tmp/htmx/package/LICENSE" static/vendor/htmx/
echo "static/vendor: bootstrap $BOOTSTRAP, htmx.org $HTMX"
