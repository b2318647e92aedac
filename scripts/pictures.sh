#!/usr/bin/env bash
# Regenerates the README's pictures (screens of the app and one figure of
# each `backprop plot` kind) into DIR, docs/pictures by default.
# Needs DejaVu Sans Mono (Debian: apt-get install fonts-dejavu-core).
#   scripts/pictures.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./internal/pictures -out "${1:-docs/pictures}"
