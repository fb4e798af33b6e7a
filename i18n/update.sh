#!/usr/bin/env bash
# Extract the messages of the code into the template, then bring every catalogue up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
"$bin/pybabel" extract -F pyproject.toml -k N_ -k ngettext:1,2 -k pgettext:1c,2 \
  --add-comments=Translators: --sort-output --project=Passerelle \
  --copyright-holder="Passerelle contributors" -o i18n/passerelle.pot . >/dev/null 2>&1
"$bin/pybabel" update -i i18n/passerelle.pot -d i18n -D passerelle --no-fuzzy-matching \
  --ignore-obsolete >/dev/null 2>&1
"$bin/python" - <<'PY'
from pathlib import Path
from babel.messages.pofile import read_po
for path in sorted(Path("i18n").glob("*/LC_MESSAGES/passerelle.po")):
    catalog = read_po(path.open("rb"))
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not (
        all(m.string) if isinstance(m.string, tuple) else m.string))]
    print(f"{path.parent.parent.name}: {len(missing)} to translate")
    for message in missing:
        print("   ", repr(message))
PY
