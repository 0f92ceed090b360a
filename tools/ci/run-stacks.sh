#!/usr/bin/env bash
# Plans (and with `apply`, applies) several stacks in one CI job, each on its own: one stack's failure
# does not hide the others' results. Used by .github/workflows/org-guard.yml for every matrix job, which
# handles one stack or, past 256 stacks, a shard of them (tools/plan-review/stacks.ts).
#
# usage: tools/ci/run-stacks.sh plan|drift|apply <stack>...
#   plan   terraform plan -lock=false (a pull request only reads state), review the plan
#   drift  the same; a stack whose plan has changes fails (scheduled drift detection)
#   apply  plan (with locking), review, and apply exactly that reviewed plan when it has changes; stops at the first stack
#          that fails when ORG_GUARD_STOP_ON_FAILURE=1 (core stacks: each depends on the one before)
# Per stack it writes $RESULTS/<stack>.md (the review, or why there is none) and $RESULTS/<stack>.json
# ({"stack", "plan": terraform's -detailed-exitcode 0 no changes / 2 changes / 1 failed,
#   "review": plan-review's exit 0 ok / 1 blocked / 2 unreadable, null when not reviewed, "applied"}),
# appends the review to $GITHUB_STEP_SUMMARY when set, and exits 1 if any stack failed.
# Environment: OUTDIR (cdktf.out), RESULTS (results), PLAN_REVIEW (node dist/tools/plan-review/main.js),
# ORG_GUARD_ALLOW_DESTROY (passed on to plan-review).
set -uo pipefail

mode="${1:-}"
shift || true
case "$mode" in plan | drift | apply) ;; *)
  echo "usage: $0 plan|drift|apply <stack>..." >&2
  exit 2
  ;;
esac
if [ "$#" -eq 0 ]; then
  echo "$0: no stacks given" >&2
  exit 2
fi

OUTDIR="${OUTDIR:-cdktf.out}"
RESULTS="${RESULTS:-results}"
PLAN_REVIEW="${PLAN_REVIEW:-node dist/tools/plan-review/main.js}"
SUMMARY="${GITHUB_STEP_SUMMARY:-/dev/null}"
mkdir -p "$RESULTS"
RESULTS="$(cd "$RESULTS" && pwd)"

failed=()

run_stack() {
  local stack="$1" dir="$OUTDIR/stacks/$1" plan=1 review=null applied=false
  local md="$RESULTS/$stack.md" lock=()
  [ "$mode" = apply ] || lock=(-lock=false)
  if [ ! -f "$dir/cdk.tf.json" ]; then
    printf '### ⛔ Stack `%s`: not synthesized (no %s)\n' "$stack" "$dir/cdk.tf.json" > "$md"
  elif ! terraform -chdir="$dir" init -input=false -no-color; then
    printf '### ⛔ Stack `%s`: terraform init failed (see the job log)\n' "$stack" > "$md"
  else
    plan=0
    terraform -chdir="$dir" plan -input=false -no-color "${lock[@]}" -detailed-exitcode -out=plan.out || plan=$?
    if [ "$plan" -eq 1 ] || ! terraform -chdir="$dir" show -json plan.out > "$dir/plan.json"; then
      plan=1
      printf '### ⛔ Stack `%s`: terraform plan failed (see the job log)\n' "$stack" > "$md"
    else
      review=0
      $PLAN_REVIEW "$stack=$dir/plan.json" --output "$md" > /dev/null 2> "$RESULTS/$stack.err" || review=$?
      if [ "$review" -eq 2 ]; then
        { printf '### ⛔ Stack `%s`: plan-review could not read the plan\n\n```\n' "$stack"; cat "$RESULTS/$stack.err"; printf '```\n'; } > "$md"
      fi
      # Only a plan with changes (exit 2) is applied: HCP Terraform refuses to apply a saved plan without
      # changes ("Saved plan has no changes": hashicorp/terraform internal/cloud/backend_apply.go).
      if [ "$mode" = apply ] && [ "$review" -eq 0 ] && [ "$plan" -eq 2 ]; then
        # Exactly the plan that was reviewed, never a fresh one.
        if terraform -chdir="$dir" apply -input=false -no-color plan.out; then applied=true; fi
      fi
    fi
    rm -f "$RESULTS/$stack.err"
  fi
  cat "$md" >> "$SUMMARY"
  printf '{"stack":"%s","plan":%s,"review":%s,"applied":%s}\n' "$stack" "$plan" "$review" "$applied" > "$RESULTS/$stack.json"

  local why=""
  if [ "$plan" -eq 1 ]; then why="terraform failed"
  elif [ "$review" != 0 ]; then why="plan-review exit $review"
  elif [ "$mode" = drift ] && [ "$plan" -eq 2 ]; then why="drift: the deployed stack differs from main"
  elif [ "$mode" = apply ] && [ "$plan" -eq 2 ] && [ "$applied" != true ]; then why="apply failed"
  fi
  if [ -n "$why" ]; then
    echo "::error::$stack: $why (see the job summary)"
    failed+=("$stack")
    return 1
  fi
  return 0
}

for stack in "$@"; do
  echo "::group::$mode $stack"
  ok=0
  run_stack "$stack" || ok=1
  echo "::endgroup::"
  if [ "$ok" -ne 0 ] && [ "$mode" = apply ] && [ "${ORG_GUARD_STOP_ON_FAILURE:-0}" = 1 ]; then
    echo "::error::stopping: the stacks after $stack depend on it"
    break
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
