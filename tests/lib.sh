# Shared by the shell tests (sourced, before the script changes directory):
#   check NAME COMMAND...  runs COMMAND; counts a pass, or prints
#                          "FAIL: NAME" and counts a failure
#   check_done             prints "N passed, M failed"; status 0 when
#                          nothing failed (make it the script's last line)
fails=0
pass=0
check() {
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
check_done() {
  echo "$pass passed, $fails failed"
  [ "$fails" = 0 ]
}
