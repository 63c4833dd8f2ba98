#!/usr/bin/env bash
# Generates TypeScript types for every proto under proto/ (ts-proto, nestJs=true) into libs/contracts/src/generated.
# Generated files are never edited by hand: change the .proto and run `npm run proto:gen`.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf libs/contracts/src/generated
mkdir -p libs/contracts/src/generated
(cd proto && ../node_modules/.bin/buf lint && ../node_modules/.bin/buf generate)
npx prettier --log-level warn --write libs/contracts/src/generated >/dev/null
echo "generated: $(find libs/contracts/src/generated -name '*.ts' | wc -l) files in libs/contracts/src/generated"
