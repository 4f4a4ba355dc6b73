#!/usr/bin/env bash
# Infrastructure and supply-chain checks that need their own tools (called by .ci/run and by
# cloudbuild.yaml). Each section prints a header and one verdict line; the script exits 1 if any
# section FAILED. Sections that cannot run here say SKIPPED and why — never a silent pass.
#
#   scripts/ci_infra.sh                       every section below
#   scripts/ci_infra.sh SECTION [SECTION...]  only those
#   scripts/ci_infra.sh migration-safety REV  only migrations after alembic revision REV
#
# Sections:
#   terraform-fmt     terraform fmt -check (skipped when no terraform/tofu binary is on PATH)
#   checkov           checkov over terraform/ with policies/checkov, in its own venv
#                     (.venv-checkov: checkov and python-hcl2 both ship a top-level `hcl2`)
#   tf-schema         every resource/data/provider block's arguments and nested blocks against
#                     the Google provider schema in the pinned @cdktf/provider-google package
#                     (scripts/tf_schema_check.py; fetched once into ~/.cache/upstream or
#                     $UPSTREAM_TF_SCHEMA_CACHE; SKIPPED when it cannot be fetched, FAIL with
#                     UPSTREAM_REQUIRE_TF_SCHEMA=1)
#   bandit            bandit over common functions scripts; inline `# nosec BXXX` + reason only
#   pip-audit         known vulnerabilities in requirements/deploy.txt (needs the PyPI JSON API
#                     or OSV; UPSTREAM_REQUIRE_AUDIT=1 turns "unreachable" into a failure)
#   secrets           detect-secrets against .secrets.baseline (new secrets fail)
#   migration-safety  offline SQL (alembic upgrade --sql) of pending migrations; one head only;
#                     destructive statements fail unless ALLOW_DESTRUCTIVE_MIGRATION=true
#   alembic-check     models vs migrations (alembic check) on a throwaway database
set -uo pipefail
cd "$(dirname "$0")/.."

CHECKOV_VERSION="3.3.30"
TOOLS="bandit==1.9.4 pip-audit==2.10.1 detect-secrets==1.5.0"
PIP_OPTS=(--quiet --disable-pip-version-check --retries 5 --timeout 60)

declare -a RESULTS=()
FAILED=0

say() { printf '%s\n' "$*"; }
header() { say ""; say "== ci_infra: $1 =="; }
verdict() {  # verdict SECTION PASS|FAIL|SKIPPED reason...
  local section=$1 outcome=$2
  shift 2
  say "ci_infra: $section $outcome${*:+ — $*}"
  RESULTS+=("$section: $outcome${*:+ ($*)}")
  [ "$outcome" = FAIL ] && FAILED=1
  return 0
}

host_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return; fi
  done
  say "no python3 found" >&2
  return 1
}

# The project's interpreter (alembic, the project's own packages).
project_python() {
  if [ -n "${UPSTREAM_PYTHON:-}" ]; then say "$UPSTREAM_PYTHON"
  elif [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then say "$VIRTUAL_ENV/bin/python"
  elif [ -x .venv/bin/python ]; then say .venv/bin/python
  else host_python
  fi
}

# ensure_venv DIR STAMP PACKAGES... — create/refresh a tool venv only when its pins change.
ensure_venv() {
  local dir=$1 stamp=$2
  shift 2
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.pins" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  rm -rf "$dir"
  "$(host_python)" -m venv "$dir" || return 1
  "$dir/bin/pip" install "${PIP_OPTS[@]}" "$@" || return 1
  printf '%s' "$stamp" > "$dir/.pins"
}

tools_venv() { ensure_venv .venv-tools "$TOOLS" $TOOLS; }

# Files under version control (or everything but build output when there is no git checkout).
tracked_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard
  else
    find . -type f -not -path './.git/*' -not -path './.venv*' -not -path './.deploy/*' \
      -not -path '*/__pycache__/*' -not -path './.terraform/*' | sed 's|^\./||'
  fi
}

section_terraform_fmt() {
  header "terraform fmt"
  local binary
  binary=$(command -v terraform || command -v tofu || true)
  if [ -z "$binary" ]; then
    verdict terraform-fmt SKIPPED "no terraform or tofu binary on PATH"
    return
  fi
  if "$binary" fmt -check -recursive -diff terraform 2>/dev/null; then
    verdict terraform-fmt PASS "$("$binary" version 2>/dev/null | head -1)"
  else
    verdict terraform-fmt FAIL "run: terraform fmt -recursive terraform"
  fi
}

section_checkov() {
  header "checkov"
  if ! ensure_venv .venv-checkov "checkov==$CHECKOV_VERSION" "checkov==$CHECKOV_VERSION"; then
    verdict checkov FAIL "could not install checkov==$CHECKOV_VERSION into .venv-checkov"
    return
  fi
  local run=(.venv-checkov/bin/checkov --framework terraform --skip-download --compact --quiet
             --external-checks-dir policies/checkov)
  # Our own policies must bite: the deliberately bad fixture has to fail both of them.
  local selftest
  selftest=$("${run[@]}" -d tests/infra/fixtures/checkov_bad -c CKV2_UPSTREAM_1,CKV2_UPSTREAM_2 \
             -o json 2>/dev/null | "$(host_python)" -c '
import json, sys
doc = json.load(sys.stdin)
doc = doc[0] if isinstance(doc, list) else doc
print(" ".join(sorted({c["check_id"] for c in doc["results"]["failed_checks"]})))')
  if [ "$selftest" != "CKV2_UPSTREAM_1 CKV2_UPSTREAM_2" ]; then
    verdict checkov FAIL "custom policies did not fail the bad fixture (got: '${selftest}')"
    return
  fi
  # Skips are allowed only inline, each with its reason (checkov:skip=ID: why).
  if "${run[@]}" -d terraform -o cli; then
    verdict checkov PASS "terraform/ with policies/checkov (inline skips: $(grep -rho 'checkov:skip=[A-Z0-9_]*' terraform | sort -u | tr '\n' ' '))"
  else
    verdict checkov FAIL "see the failed checks above"
  fi
}

section_tf_schema() {
  header "terraform provider schema"
  local py out rc started
  py=$(project_python)
  started=$SECONDS
  out=$("$py" scripts/tf_schema_check.py --strict-allowlist terraform 2>&1)
  rc=$?
  say "$out"
  local schema summary
  schema=$(grep -m1 '^schema: ' <<<"$out" | sed 's/^schema: //; s/ (.*//')
  summary=$(tail -1 <<<"$out")
  case $rc in
    0) verdict tf-schema PASS "$summary against $schema; $((SECONDS - started))s" ;;
    3)
      if [ "${UPSTREAM_REQUIRE_TF_SCHEMA:-0}" = 1 ]; then
        verdict tf-schema FAIL "provider schema package unavailable (UPSTREAM_REQUIRE_TF_SCHEMA=1)"
      else
        verdict tf-schema SKIPPED "provider schema package (@cdktf/provider-google) could not be fetched or read: terraform/ arguments NOT checked against the provider schema"
      fi
      ;;
    1) verdict tf-schema FAIL "unknown arguments/blocks above: fix them, or allow-list a newer argument in scripts/tf_schema_check.py with the release that introduced it" ;;
    *) verdict tf-schema FAIL "scripts/tf_schema_check.py could not run (exit $rc)" ;;
  esac
}

section_bandit() {
  header "bandit"
  if ! tools_venv; then verdict bandit FAIL "could not install $TOOLS"; return; fi
  local paths=()
  for p in common functions scripts; do [ -d "$p" ] && paths+=("$p"); done
  if .venv-tools/bin/bandit -r "${paths[@]}" -q; then
    verdict bandit PASS "${paths[*]}"
  else
    verdict bandit FAIL "fix, or add '# nosec BXXX — reason' on the line"
  fi
}

section_pip_audit() {
  header "pip-audit"
  if ! tools_venv; then verdict pip-audit FAIL "could not install $TOOLS"; return; fi
  local audit=(.venv-tools/bin/pip-audit --progress-spinner off --no-deps --disable-pip)
  # Probe: requests 2.19.0 has a published advisory (PYSEC-2018-28). If the service cannot
  # report it, the vulnerability database is unreachable and a clean result would mean nothing.
  local probe
  probe=$(mktemp)
  printf 'requests==2.19.0\n' > "$probe"
  local probe_out
  probe_out=$("${audit[@]}" -r "$probe" 2>&1)
  rm -f "$probe"
  if ! grep -qiE 'PYSEC-2018-28|GHSA-x84v-xcm2-53pg|CVE-2018-18074' <<<"$probe_out"; then
    say "$probe_out" | tail -5
    if [ "${UPSTREAM_REQUIRE_AUDIT:-0}" = 1 ]; then
      verdict pip-audit FAIL "vulnerability database unreachable (UPSTREAM_REQUIRE_AUDIT=1)"
    else
      verdict pip-audit SKIPPED "vulnerability database unreachable from this machine: the probe's known advisory was not reported; requirements/deploy.txt NOT audited (cloudbuild.yaml runs it with UPSTREAM_REQUIRE_AUDIT=1)"
    fi
    return
  fi
  if "${audit[@]}" --require-hashes -r requirements/deploy.txt; then
    verdict pip-audit PASS "requirements/deploy.txt: no known vulnerabilities"
  else
    verdict pip-audit FAIL "upgrade the package in pyproject.toml and re-lock (docs/deploy.md)"
  fi
}

section_secrets() {
  header "detect-secrets"
  if ! tools_venv; then verdict secrets FAIL "could not install $TOOLS"; return; fi
  if [ ! -f .secrets.baseline ]; then verdict secrets FAIL "no .secrets.baseline"; return; fi
  # Re-scan into a copy of the baseline: findings already audited as false positives keep
  # is_secret=false; anything else (new, or audited as a real secret) fails.
  local scan
  scan=$(mktemp)
  cp .secrets.baseline "$scan"
  # --all-files: untracked files too (a secret is caught before it is ever added).
  if ! .venv-tools/bin/detect-secrets scan --all-files --baseline "$scan" \
      --exclude-files '^\.secrets\.baseline$' --exclude-files '(^|/)(\.git|\.venv[^/]*|\.upstream|\.terraform|\.deploy|__pycache__|[^/]*\.egg-info|\.pytest_cache|\.ruff_cache|\.hypothesis)/' \
      >/dev/null; then
    rm -f "$scan"
    verdict secrets FAIL "detect-secrets scan failed"
    return
  fi
  local report
  report=$("$(host_python)" - "$scan" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for path, findings in sorted(doc["results"].items()):
    for f in findings:
        if f.get("is_secret") is not False:
            print(f"  {path}:{f['line_number']} {f['type']}")
PY
)
  rm -f "$scan"
  if [ -z "$report" ]; then
    verdict secrets PASS "no secret beyond the audited baseline"
  else
    say "$report"
    verdict secrets FAIL "remove it, or mark a false positive inline (# pragma: allowlist secret) or in the baseline (docs/deploy.md)"
  fi
}

section_migration_safety() {
  header "migration safety"
  local from=${1:-} py
  py=$(project_python)
  local heads
  heads=$("$py" -m alembic heads 2>/dev/null | awk '{print $1}')
  if [ "$(printf '%s\n' "$heads" | grep -c .)" -ne 1 ]; then
    verdict migration-safety FAIL "expected one alembic head, found: $(echo $heads) (alembic merge)"
    return
  fi
  local range="head" sql
  [ -n "$from" ] && range="$from:head"
  sql=$(mktemp)
  if ! "$py" -m alembic upgrade "$range" --sql > "$sql" 2> "$sql.err"; then
    tail -5 "$sql.err"
    verdict migration-safety FAIL "offline SQL generation failed for $range"
    rm -f "$sql" "$sql.err"
    return
  fi
  local found
  found=$("$(host_python)" - "$sql" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"--[^\n]*", "", text)
# Statements that lose data or break the revision still serving during a rollout.
DESTRUCTIVE = re.compile(
    r"^(DROP\s+(TABLE|SCHEMA|DATABASE)\b|TRUNCATE\b|DELETE\s+FROM\b"
    r"|ALTER\s+TABLE\b.*\b(DROP\s+COLUMN|RENAME\b|ALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b))",
    re.IGNORECASE | re.DOTALL,
)
for statement in text.split(";"):
    flat = " ".join(statement.split())
    # Alembic's own bookkeeping (merges delete superseded heads) is not a data change.
    if flat and DESTRUCTIVE.match(flat) and "alembic_version" not in flat:
        print(flat[:160])
PY
)
  local statements
  statements=$(grep -c '' "$sql")
  rm -f "$sql" "$sql.err"
  if [ -z "$found" ]; then
    verdict migration-safety PASS "$range: $statements lines of SQL, nothing destructive, head ${heads}"
  elif [ "${ALLOW_DESTRUCTIVE_MIGRATION:-false}" = true ]; then
    say "$found"
    verdict migration-safety PASS "destructive statements ALLOWED by ALLOW_DESTRUCTIVE_MIGRATION=true"
  elif [ -z "$from" ] && [ "${MIGRATION_SAFETY_STRICT:-0}" != 1 ]; then
    # From the base there is no deployed state: report, the deploy build blocks per release.
    say "$found"
    verdict migration-safety PASS "history contains the destructive statements above (informational; cloudbuild.yaml blocks them per release)"
  else
    say "$found"
    verdict migration-safety FAIL "destructive statements after $from (set _ALLOW_DESTRUCTIVE_MIGRATION=true to deploy them)"
  fi
}

section_alembic_check() {
  header "alembic check"
  local py home cleanup=0
  py=$(project_python)
  if [ -z "${DATABASE_URL:-}" ]; then
    home=$(mktemp -d)
    chmod 755 "$home"  # the embedded server runs as an unprivileged user
    cleanup=1
    export UPSTREAM_HOME=$home
  fi
  local out rc
  out=$("$py" -m alembic upgrade heads 2>&1 && "$py" -m alembic check 2>&1)
  rc=$?
  say "$out" | grep -v -i 'warning' | tail -5
  if [ "$cleanup" = 1 ]; then
    "$py" -c 'import sys; from pathlib import Path; from common.db.embedded import stop_server; stop_server(Path(sys.argv[1]))' "$home" >/dev/null 2>&1
    rm -rf "$home"
    unset UPSTREAM_HOME
  fi
  if [ $rc -eq 0 ]; then
    verdict alembic-check PASS "models match the migrations"
  else
    verdict alembic-check FAIL "write a migration for the model change (alembic revision --autogenerate)"
  fi
}

run_section() {
  case "$1" in
    terraform-fmt) section_terraform_fmt ;;
    checkov) section_checkov ;;
    tf-schema) section_tf_schema ;;
    bandit) section_bandit ;;
    pip-audit) section_pip_audit ;;
    secrets) section_secrets ;;
    migration-safety) shift; section_migration_safety "$@" ;;
    alembic-check) section_alembic_check ;;
    *) say "unknown section: $1"; exit 2 ;;
  esac
}

SECTIONS=" terraform-fmt checkov tf-schema bandit pip-audit secrets migration-safety alembic-check "
if [ $# -eq 0 ]; then
  set -- $SECTIONS
fi
while [ $# -gt 0 ]; do
  section=$1
  shift
  # migration-safety takes an optional revision: the next argument when it is not a section.
  if [ "$section" = migration-safety ] && [ $# -gt 0 ] && [[ "$SECTIONS" != *" $1 "* ]]; then
    run_section migration-safety "$1"
    shift
  else
    run_section "$section"
  fi
done

say ""
say "== ci_infra summary =="
for line in "${RESULTS[@]}"; do say "  $line"; done
exit $FAILED
