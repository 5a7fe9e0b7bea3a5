#!/usr/bin/env bash
# Refresh the vendored NHS.UK frontend from the npm registry.
#   static/vendor/refresh-nhsuk-frontend.sh 10.6.1
# Then update NHSUK_FRONTEND_VERSION in lwrs_site/settings.py, delete the old
# folder, run `make test` and look at the pages. Node is not needed at run time.
set -euo pipefail
version="${1:?usage: $0 VERSION}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "nhsuk-frontend@${version}" >/dev/null && tar xzf "nhsuk-frontend-${version}.tgz")
dist="$work/package/dist/nhsuk"
dest="$here/nhsuk-frontend-${version}"
rm -rf "$dest"
mkdir -p "$dest"
cp -r "$dist/assets" "$dest/assets"
# The compiled CSS asks for its icons at /assets/...; make those URLs relative so
# they resolve beside the CSS (and get fingerprinted by collectstatic). Source
# maps are not shipped, so their comments go too.
sed -e 's#url(/assets/#url(assets/#g' -e '/sourceMappingURL/d' \
  "$dist/nhsuk-frontend.min.css" >"$dest/nhsuk-frontend.min.css"
sed -e 's#//\# sourceMappingURL=.*$##' "$dist/nhsuk-frontend.min.js" >"$dest/nhsuk-frontend.min.js"
cp "$work/package/package.json" "$dest/package.json"
cat >"$dest/LICENSE.txt" <<'LICENCE'
The MIT License (MIT)

Copyright (c) 2018 NHS England (formerly NHS Digital)

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
LICENCE
echo "Vendored nhsuk-frontend ${version} into ${dest}"
