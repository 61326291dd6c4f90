#!/usr/bin/env bash
# Rebuild static/ from GOV.UK Frontend and MOJ Frontend (npm registry). Needs node and npm; run it
# after changing council.scss, staff.scss or a version below. The output is committed, so
# deploying needs no node.
# Keep GOVUK_FRONTEND in step with the govuk-frontend-jinja release the templates use
# (govuk-frontend-jinja 4.1.0 ports GOV.UK Frontend 6.3.0), and MOJ_FRONTEND on a release whose
# peer dependency accepts that GOV.UK Frontend (MOJ Frontend 11 wants govuk-frontend ^6.0.0).
set -euo pipefail
GOVUK_FRONTEND=6.3.0
MOJ_FRONTEND=11.1.0
SASS=1.108.2
here="$(cd "$(dirname "$0")" && pwd)"
static="$here/../static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "govuk-frontend@${GOVUK_FRONTEND}" \
  "@ministryofjustice/frontend@${MOJ_FRONTEND}" "sass@${SASS}"
cp "$here/council.scss" "$here/staff.scss" .
# The public pages: GOV.UK Frontend only.
npx sass --pkg-importer=node --style=compressed --no-source-map council.scss "$static/council.css"
# The staff workspace: GOV.UK Frontend and MOJ Frontend (which loads GOV.UK Frontend's base by a
# path under node_modules, hence the load path).
npx sass --pkg-importer=node --load-path=. --quiet-deps --style=compressed --no-source-map \
  staff.scss "$static/staff.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$static/"
cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js "$static/"
# The one image the staff pages use from MOJ Frontend: the cross on a selected filter's tag.
cp node_modules/@ministryofjustice/frontend/moj/assets/images/icon-tag-remove-cross.svg "$static/"
echo "static/ rebuilt from govuk-frontend ${GOVUK_FRONTEND} and @ministryofjustice/frontend ${MOJ_FRONTEND}"
