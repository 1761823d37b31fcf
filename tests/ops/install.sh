#!/bin/bash
# `make install` into a DESTDIR staging tree, then: the installed binary
# answers with the installed plugins and knowledge (`ask`, and `run` with
# the console plugin), the service files are in place, and
# plugins/example builds out of tree against the installed
# faqbot-plugin.pc and is loaded by the installed binary.
set -u
. "$(dirname "$0")/../lib.sh" || exit 1
B=${FAQBOT_BUILD_DIR:-$PWD/build}
SRC=${FAQBOT_SOURCE_DIR:-$PWD}
tmp=$(mktemp -d /tmp/faqbot-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
unset FAQBOT_PLUGIN_DIR FAQBOT_KNOWLEDGE_DIR PKG_CONFIG_SYSROOT_DIR

# 1. install exactly as the Makefile's install target does
DEST=$tmp/dest PREFIX=/opt/faqbot
DESTDIR=$DEST cmake --install "$B" --prefix "$PREFIX" >install.log 2>&1; rc=$?
check "cmake --install (rc $rc)" test "$rc" = 0
[ "$rc" = 0 ] || cat install.log
P=$DEST$PREFIX
LIBDIR=$(dirname "$(find "$P" -name faqbot-plugin.pc | head -1)")/..
for f in bin/faqbot include/faqbot/plugin.h share/faqbot/knowledge/triage.json \
         share/faqbot/knowledge/sources/infant-massage-benefits.json \
         etc/faqbot/faqbot.json etc/faqbot/faqbot.example.json \
         lib/systemd/system/faqbot.service share/man/man1/faqbot.1; do
  check "installed $f" test -f "$P/$f"
done
check "installed console.so" test -f "$LIBDIR/faqbot/console.so"
check "installed telegram.so" test -f "$LIBDIR/faqbot/telegram.so"
check "example plugin not installed" test ! -e "$LIBDIR/faqbot/example.so"
check "unit runs the installed binary" grep -q "^ExecStart=$PREFIX/bin/faqbot run --config $PREFIX/etc/faqbot/faqbot.json$" "$P/lib/systemd/system/faqbot.service"
check "unit is hardened" bash -c "grep -q '^DynamicUser=yes' '$P/lib/systemd/system/faqbot.service' && grep -q '^ProtectSystem=strict' '$P/lib/systemd/system/faqbot.service' && grep -q '^StateDirectory=faqbot' '$P/lib/systemd/system/faqbot.service'"
if command -v systemd-analyze >/dev/null; then
  # verify the unit as installed, with its paths pointed into the DESTDIR
  sed "s|$PREFIX/|$P/|g" "$P/lib/systemd/system/faqbot.service" >faqbot.service
  MANPATH=$P/share/man systemd-analyze verify ./faqbot.service >verify.txt 2>&1; rc=$?
  check "systemd-analyze verify (rc $rc)" test "$rc" = 0 -a ! -s verify.txt
  [ -s verify.txt ] && cat verify.txt
fi
check "man page names the commands" grep -q 'check-config' "$P/share/man/man1/faqbot.1"
if command -v man >/dev/null; then
  check "man page renders" bash -c "MANWIDTH=80 man -l '$P/share/man/man1/faqbot.1' 2>/dev/null | grep -q 'faqbot - an FAQ chatbot'"
fi

# 2. the installed binary, from an unrelated directory, finds its own
#    knowledge and plugins
mkdir run && cd run || exit 1
"$P/bin/faqbot" ask --json "does massage help my baby sleep?" >ask.json 2>ask.err
check "installed ask answers from installed knowledge" python3 - ask.json <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
assert o["status"] == "answered" and o["entry"] == "sleep", o
assert "Source: Proven Infant Massage Benefits" in o["reply"], o
PY
out=$(echo "does massage help with colic?" | "$P/bin/faqbot" run 2>run.err); rc=$?
check "installed run exits 0 (rc $rc)" test "$rc" = 0
check "installed run loads the installed console plugin" grep -q "knowledge: .* entries from $P/bin/../" run.err
check "installed run answers with a citation" grep -q 'Source: Proven Infant Massage Benefits' <<<"$out"
"$P/bin/faqbot" plugins >plugins.txt
check "installed plugins listed" grep -q '^console .*ABI 1' plugins.txt
"$P/bin/faqbot" version >version.txt
check "installed version" grep -q 'plugin ABI 1' version.txt

# 3. the example plugin, out of tree, against the installed .pc file
export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
check "pkg-config finds faqbot-plugin" pkg-config --exists faqbot-plugin
check "pkg-config cflags point into the install" bash -c "pkg-config --cflags faqbot-plugin | grep -q -- '-I$P/'"
check "pkg-config abi" test "$(pkg-config --variable=abi faqbot-plugin)" = 1
cp -r "$SRC/plugins/example" "$tmp/example-src"
cmake -S "$tmp/example-src" -B "$tmp/example-build" >cmake.log 2>&1 &&
  cmake --build "$tmp/example-build" >build.log 2>&1; rc=$?
check "example builds out of tree (rc $rc)" test "$rc" = 0
[ "$rc" = 0 ] || tail -20 cmake.log build.log
check "example.so built" test -f "$tmp/example-build/example.so"
check "example compiled against the installed header" grep -rqE -- "(-I|-isystem )$P/(lib[^ ]*/pkgconfig/\.\./\.\./)?include" "$tmp/example-build/CMakeFiles/example.dir/flags.make"
# plain cc, as the example's comment says
cc -std=c11 -shared -fPIC -Wl,--no-undefined $(pkg-config --cflags faqbot-plugin jansson) \
   "$SRC/plugins/example/example.c" -o "$tmp/example-cc.so" $(pkg-config --libs jansson); rc=$?
check "example builds with plain cc (rc $rc)" test "$rc" = 0

# 4. the installed binary loads it: answers, /help lists its command,
#    state resumes after a restart
DESTDIR=$tmp/plugin-dest cmake --install "$tmp/example-build" >/dev/null 2>&1
check "example installs into the pc's plugindir" bash -c "ls '$tmp'/plugin-dest/*/faqbot/example.so >/dev/null 2>&1 || find '$tmp/plugin-dest' -name example.so | grep -q 'faqbot/example.so'"
mkdir pl && cp "$tmp/example-build/example.so" pl/
printf 'does massage help with colic\n/help\n' >q.txt
cat >ex.json <<JSON
{"plugin_dir": "$PWD/pl", "state_dir": "$PWD/state",
 "plugins": {"ex": {"plugin": "example", "questions_file": "q.txt", "answers_file": "a.txt"}}}
JSON
"$P/bin/faqbot" check-config ex.json >cc.txt; rc=$?
check "check-config loads the example (rc $rc)" test "$rc" = 0
"$P/bin/faqbot" run --config ex.json 2>ex.err; rc=$?
check "run with the example exits 0 (rc $rc)" test "$rc" = 0
check "example answered with a citation" grep -q '^\[1\] .*' a.txt
check "example answer cites" grep -q 'Source: Proven Infant Massage Benefits' a.txt
check "/help lists the example's command" grep -q '^/example - the example connector' a.txt
check "event logs the platform" grep -q 'platform=example' ex.err
echo "does massage help my baby sleep" >>q.txt
"$P/bin/faqbot" run --config ex.json 2>ex2.err
check "restart resumes after the acknowledged lines" test "$(grep -c '^\[[0-9]*\] ' a.txt)" = 3
check "third answer is line 3" grep -q '^\[3\] ' a.txt

check_done
