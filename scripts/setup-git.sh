#!/usr/bin/env bash
# Merge drivers for the translation catalogues, so branches that each add strings merge
# without conflicts: the .po files are united entry by entry (the current branch wins on a
# disagreement), the compiled .mo files are left as they are and rebuilt afterwards with
# `make messages` (or `msgfmt`). Run once per clone.
set -euo pipefail
git config merge.po.name "gettext catalogue union"
git config merge.po.driver 'msgcat --use-first -o %A.merged %A %B && mv %A.merged %A'
git config merge.mo.name "compiled catalogue, rebuilt after the merge"
git config merge.mo.driver true
