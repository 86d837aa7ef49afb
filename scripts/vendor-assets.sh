#!/usr/bin/env bash
# Re-vendor the pinned front-end assets from the npm registry into static files.
# Run by a developer when a version changes; the result is committed, so
# neither users nor CI need npm.
set -euo pipefail
GOVUK_FRONTEND=6.6.0
HTMX=2.0.11
AXE_CORE=4.14.1

root=$(cd "$(dirname "$0")/.." && pwd)
static="$root/interagency/core/static"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "govuk-frontend@$GOVUK_FRONTEND" "htmx.org@$HTMX" "axe-core@$AXE_CORE" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done

# GOV.UK Frontend: the built CSS and JS, images and source maps (a manifest
# storage fails on a missing .map). The GDS Transport font is licensed for
# services on gov.uk only, so its @font-face rules are removed and the
# Frontend's fallback stack (arial, sans-serif) is used. Absolute /assets/
# paths become relative so the static storage can rewrite them.
dest="$static/govuk"
rm -rf "$dest" && mkdir -p "$dest/assets"
src="govuk-frontend-$GOVUK_FRONTEND/package/dist/govuk"
cp -r "$src/assets/images" "$src/assets/manifest.json" "$dest/assets/"
cp "$src/govuk-frontend.min.js" "$src/govuk-frontend.min.js.map" "$dest/"
sed -E \
  -e 's/@font-face\{font-family:GDS Transport;[^}]*\}//g' \
  -e 's/font-family:GDS Transport,arial,sans-serif/font-family:arial,sans-serif/g' \
  -e 's/font-family:GDS Transport/font-family:arial,sans-serif/g' \
  -e 's#url\(/assets/#url(assets/#g' \
  -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
  "$src/govuk-frontend.min.css" > "$dest/govuk-frontend.min.css"
cat > "$dest/LICENCE.txt" <<TXT
GOV.UK Frontend $GOVUK_FRONTEND (npm package govuk-frontend), MIT licence.
Copyright (c) 2016 Crown Copyright (Government Digital Service).
Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions: The above copyright notice and this
permission notice shall be included in all copies or substantial portions of the
Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
The crown and GDS Transport font are not included: they are for gov.uk services.
TXT

dest="$static/htmx"
rm -rf "$dest" && mkdir -p "$dest"
cp "htmx.org-$HTMX/package/dist/htmx.min.js" "$dest/"
cp "htmx.org-$HTMX/package/LICENSE" "$dest/LICENCE.txt"
echo "htmx $HTMX (npm package htmx.org), BSD Zero Clause licence." >> "$dest/LICENCE.txt"

# axe-core is used only by the browser tests.
dest="$root/tests/browser/vendor"
mkdir -p "$dest"
cp "axe-core-$AXE_CORE/package/axe.min.js" "$dest/"
cp "axe-core-$AXE_CORE/package/LICENSE" "$dest/axe-core-LICENCE.txt"
echo "axe-core $AXE_CORE (npm package axe-core), Mozilla Public License 2.0." >> "$dest/axe-core-LICENCE.txt"
echo "Vendored govuk-frontend $GOVUK_FRONTEND, htmx.org $HTMX, axe-core $AXE_CORE"
