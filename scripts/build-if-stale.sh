#!/bin/sh
# `npm start`: compile and bundle the admin panel only when something they are made from changed
# since the last build (a deleted file changes its folder's time, so it counts too).
set -e
cd "$(dirname "$0")/.."
if [ ! -f dist/main.js ] || [ -n "$(find src package.json package-lock.json tsconfig.json \
  tsconfig.build.json nest-cli.json -newer dist/main.js -print -quit)" ]; then
  npx nest build
  node dist/admin-panel/panel-bundle.js
elif [ ! -f admin-bundle/bundle.js ]; then
  node dist/admin-panel/panel-bundle.js
fi
