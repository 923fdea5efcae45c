# Process helpers shared by scripts/grafana and scripts/ha (sourced): is a pid alive, and is the process that owns
# a temp dir (recorded as "<pid> <start time>" in <dir>/owner by `--owner PID`) still the one that started it.

alive() {
  local pid="$1" stat
  [[ -r "/proc/$pid/stat" ]] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != "Z" ]]
}

# Field 22 of /proc/PID/stat (start time in clock ticks): with the pid, names one process even after pid reuse.
start_time() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $stat
  printf '%s' "${20}"
}

OWNER_FILE="owner"

# Records the owner of a dir; fails when the pid names no running process.
record_owner() {
  local dir="$1" pid="$2"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  echo "$pid $(start_time "$pid")" > "$dir/$OWNER_FILE"
}

# True while the owner recorded in the dir runs (not a zombie, same start time: not a reused pid); true when none is.
owner_alive() {
  local dir="$1" pid st
  [[ -f "$dir/$OWNER_FILE" ]] || return 0
  read -r pid st < "$dir/$OWNER_FILE" || return 1
  alive "$pid" && [[ "$(start_time "$pid")" == "$st" ]]
}
