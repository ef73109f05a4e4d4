# ---- Caravan item runner (the same text in every item script; the variables above say what to run).
# Needs bash and GNU coreutils only. Records the run in "$work/run_metadata.json" (WEPPcloud-like):
# status running|moving|completed|failed|aborted, times, per-task records. A task recorded as
# completed is skipped; a failing task ends the item with its exit status. Killed at any moment, no
# task is recorded complete that did not finish.

stamp() {
  local s
  s=$(date -u '+%s%3N %Y-%m-%dT%H:%M:%S.%3NZ')
  stamp_ms=${s%% *}
  stamp_iso=${s#* }
}

seconds() {
  printf -v REPLY '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
}

jstr() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  s=${s//[$'\001'-$'\037']/?}
  REPLY="\"$s\""
}

log() {
  printf '[caravan] %s\n' "$*"
}

task_index() {
  local i
  for i in "${!names[@]}"; do
    if [ "${names[$i]}" = "$1" ]; then
      REPLY=$i
      return 0
    fi
  done
  REPLY=
  return 1
}

# The completed task records of a run_metadata.json: those of this item's tasks into saved[], the
# others (tasks now off) into others[], kept as they are.
load_records() {
  local file=$1 line name frag in_tasks=0
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      '  "tasks": {') in_tasks=1; continue ;;
      '  }'*) in_tasks=0; continue ;;
    esac
    [ "$in_tasks" = 1 ] || continue
    line=${line%,}
    case $line in
      '    "'*'": {"status": "completed"'*'}') ;;
      *) continue ;;
    esac
    name=${line#    \"}
    name=${name%%\"*}
    frag=${line#*\": }
    if task_index "$name"; then
      saved[$REPLY]=$frag
    else
      others+=("$line")
    fi
  done < "$file"
}

# Writes run_metadata.json into a folder, atomically; $2 = rec (this run) or saved (the work folder's).
write_meta() {
  local dir=$1 which=$2 tmp i frag lines=() sep w
  tmp="$dir/.run_metadata.json.$$"
  for i in "${!names[@]}"; do
    if [ "$which" = rec ]; then frag=${rec[$i]}; else frag=${saved[$i]}; fi
    [ -n "$frag" ] && lines+=("    \"${names[$i]}\": $frag")
  done
  for frag in "${others[@]}"; do lines+=("$frag"); done
  {
    printf '{\n'
    jstr "$job"; printf '  "job_id": %s,\n' "$REPLY"
    printf '  "status": "%s",\n' "$item_status"
    printf '  "started": "%s",\n' "$item_started"
    if [ -n "$item_completed" ]; then printf '  "completed": "%s",\n' "$item_completed"; else printf '  "completed": null,\n'; fi
    printf '  "duration_s": %s,\n' "${item_duration:-null}"
    printf '  "force_rebuild": %s,\n' "$force_json"
    if [ -n "$err_type" ]; then
      jstr "$err_message"
      printf '  "error": {"type": "%s", "message": %s},\n' "$err_type" "$REPLY"
    else
      printf '  "error": null,\n'
    fi
    printf '  "warnings": ['
    sep=
    for w in "${warnings[@]}"; do jstr "$w"; printf '%s%s' "$sep" "$REPLY"; sep=', '; done
    printf '],\n'
    printf '  "tasks": {\n'
    sep=
    for frag in "${lines[@]}"; do printf '%s%s' "$sep" "$frag"; sep=$',\n'; done
    [ -n "$sep" ] && printf '\n'
    printf '  }\n}\n'
  } > "$tmp" && mv -f "$tmp" "$dir/run_metadata.json"
}

# Records the item's state where people and the next run look: the work folder (with its own task
# records while a scratch folder holds this run's), and the scratch folder itself.
publish() {
  if [ -n "$scratch" ] && [ "$item_status" != completed ]; then
    [ -d "$scratch" ] && write_meta "$scratch" rec
    write_meta "$work" saved
  else
    write_meta "$work" rec
  fi
}

finish() {
  item_status=$1
  stamp
  item_completed=$stamp_iso
  seconds $((stamp_ms - item_started_ms))
  item_duration=$REPLY
  publish
}

fail_setup() {
  err_type=$1
  err_message=$2
  log "item $job: $err_message"
  finish failed
  exit 1
}

kill_tree() {
  local pid=$1 c
  for c in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do kill_tree "$c"; done
  kill -TERM "$pid" 2>/dev/null
}

on_signal() {
  trap '' TERM INT HUP
  if [ -n "$child" ]; then
    kill_tree "$child"
    wait "$child" 2>/dev/null
  fi
  err_type=Aborted
  err_message="stopped by SIG$1"
  if [ -n "$current" ]; then
    stamp
    seconds $((stamp_ms - task_started_ms))
    rec[$current]="{\"status\": \"interrupted\", \"started\": \"$task_started\", \"completed\": \"$stamp_iso\", \"duration_s\": $REPLY, \"exit_code\": null}"
    err_message="$err_message during task '${names[$current]}'"
  fi
  log "item $job: $err_message"
  finish aborted
  [ -n "$scratch" ] && rm -rf -- "$scratch"
  exit $((128 + $2))
}

# Force rebuild: move the folder aside, then delete it; a folder that will not go away is a warning.
reset_folder() {
  local dir=$1 stale
  [ -e "$dir" ] || return 0
  stamp
  stale="$dir.stale.$stamp_ms.$$"
  mv -- "$dir" "$stale" || fail_setup ResetFailed "cannot move $dir aside to rebuild it"
  if ! rm -rf -- "$stale" 2>/dev/null && ! rm -rf -- "$stale"; then
    warnings+=("force rebuild: could not delete $stale; delete it by hand")
    log "warning: could not delete $stale"
  fi
}

run_tasks() {
  local i rc took
  for i in "${!names[@]}"; do
    case ${rec[$i]} in
      '{"status": "completed"'*)
        log "task ${names[$i]}: skipped (completed earlier)"
        continue ;;
    esac
    stamp
    current=$i
    task_started=$stamp_iso
    task_started_ms=$stamp_ms
    rec[$i]="{\"status\": \"running\", \"started\": \"$task_started\", \"completed\": null, \"duration_s\": null, \"exit_code\": null}"
    publish
    log "task ${names[$i]}: started"
    (cd -- "$run" && CARAVAN_TASK=${names[$i]} CARAVAN_RUN_DIR=$run exec bash -c "${commands[$i]}") < /dev/null &
    child=$!
    wait "$child"
    rc=$?
    child=
    stamp
    seconds $((stamp_ms - task_started_ms))
    took=$REPLY
    if [ "$rc" = 0 ]; then
      rec[$i]="{\"status\": \"completed\", \"started\": \"$task_started\", \"completed\": \"$stamp_iso\", \"duration_s\": $took, \"exit_code\": 0}"
      current=
      publish
      log "task ${names[$i]}: completed in $took s"
    else
      rec[$i]="{\"status\": \"failed\", \"started\": \"$task_started\", \"completed\": \"$stamp_iso\", \"duration_s\": $took, \"exit_code\": $rc}"
      current=
      err_type=TaskFailed
      err_message="task '${names[$i]}' exited with status $rc"
      log "task ${names[$i]}: failed with exit status $rc"
      finish failed
      [ -n "$scratch" ] && rm -rf -- "$scratch"
      exit "$rc"
    fi
  done
}

main() {
  child= current= err_type= err_message= item_completed= item_duration= force_json=false
  [ "$force" = 1 ] && force_json=true
  rec=() saved=() others=() warnings=()
  stamp
  item_started=$stamp_iso
  item_started_ms=$stamp_ms
  item_status=running
  trap 'on_signal TERM 15' TERM
  trap 'on_signal INT 2' INT
  trap 'on_signal HUP 1' HUP
  [ "$force" = 1 ] && reset_folder "$work"
  mkdir -p -- "$work" || fail_setup WorkFolder "cannot create the work folder $work"
  rm -f -- "$work"/.run_metadata.json.*
  fresh=1
  [ -f "$work/run_metadata.json" ] && fresh=0
  load_records "$work/run_metadata.json"
  for i in "${!saved[@]}"; do rec[$i]=${saved[$i]}; done
  run=$work
  if [ -n "$scratch" ]; then
    rm -rf -- "$scratch" && mkdir -p -- "$scratch" && cp -a -- "$work/." "$scratch/" \
      || fail_setup ScratchFailed "cannot prepare the scratch folder $scratch"
    run=$scratch
  fi
  if [ "$fresh" = 1 ] && [ -n "$base" ]; then
    cp -a -- "$base/." "$run/" || fail_setup BaseCopyFailed "cannot copy the base folder $base"
  fi
  write_files || fail_setup FilesFailed "cannot write the item's files into $run"
  publish
  log "item $job: running in $run"
  run_tasks
  if [ -n "$scratch" ]; then
    item_status=moving
    publish
    log "item $job: moving outputs into $work"
    rm -f -- "$scratch/run_metadata.json"
    cp -a -- "$scratch/." "$work/" || fail_setup MoveFailed "cannot move the outputs from $scratch into $work"
  fi
  finish completed
  [ -n "$scratch" ] && rm -rf -- "$scratch"
  log "item $job: completed"
  exit 0
}
