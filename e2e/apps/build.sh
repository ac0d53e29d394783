#!/bin/sh
# Builds one fixture app (make apps) as a new user would, from the tarball npm pack made:
#   sh e2e/apps/build.sh NAME TARBALL DIR
# DIR (under dist/, git-ignored) gets a copy of e2e/apps/NAME (package.json, lockfile, bundler
# config, page, src/) and e2e/apps/shared/ in its src/; its pinned dev dependencies are installed
# with npm ci (again only when its lockfile changed), nango-wasm from TARBALL without saving it,
# then npm run build.
set -eu
name=$1 tarball=$2 dir=$3
mkdir -p "$dir/src"
cp -R "e2e/apps/$name/." "$dir/"
cp e2e/apps/shared/* "$dir/src/"
cd "$dir"
lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.installed-lock 2>/dev/null)" != "$lock" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock" > node_modules/.installed-lock
fi
npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"
rm -rf out
npm run --silent build
