#!/usr/bin/env bash
# Rebuild static/ from GOV.UK Frontend (npm registry). Needs node and npm; run it after changing
# council.scss or the GOV.UK Frontend version. The output is committed, so deploying needs no node.
# Keep GOVUK_FRONTEND in step with the govuk-frontend-jinja release the templates use
# (govuk-frontend-jinja 4.1.0 ports GOV.UK Frontend 6.3.0).
set -euo pipefail
GOVUK_FRONTEND=6.3.0
SASS=1.108.2
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "govuk-frontend@${GOVUK_FRONTEND}" "sass@${SASS}"
cp "$here/council.scss" .
npx sass --pkg-importer=node --style=compressed --no-source-map council.scss \
  "$here/../static/council.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$here/../static/"
echo "static/ rebuilt from govuk-frontend ${GOVUK_FRONTEND}"
