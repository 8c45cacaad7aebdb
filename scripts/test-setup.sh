#!/usr/bin/env bash
# `npm test`'s pretest: make the programs that some tests drive available.
# - nginx (`--target nginx`) comes from Debian's `nginx` package (on bookworm, nginx-light is only a
#   metapackage that depends on it plus an extra module).
# - lighttpd (the lighttpd peer, and conform on a stock web server's default site that has no copy of
#   html/) comes from Debian's `lighttpd`.
# - apache2 (the apache peer) comes from Debian's `apache2`, with its stock modules and confs enabled in
#   /etc/apache2, which the peer includes.
# - Locust (`bench --engine locust`) comes from Debian's `python3-locust`.
# - chromium (test/html-report.browser.test.ts renders the HTML report in it, headless, through
#   playwright-core) comes from Debian's `chromium`, with `fonts-liberation` so that text has a font
#   (chromium only recommends it). HTTP_LAB_CHROMIUM names another binary; none is installed then.
# Each is installed only when it is missing, we are root and apt-get exists (a CI container, a fresh
# dev box); anywhere else this prints why and carries on: those tests then skip with that reason.
# It never fails the test run, and takes no time once all are there.
# python3 (`--target python`) is not installed here: it is on every machine these tests run on, and
# its tests skip with a reason where it is not. Nor are h2o and caddy (`--target h2o`, `caddy`): their
# tests skip with a reason unless someone installed them.
set -u

have_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || [ -x /usr/local/sbin/nginx ]
}

have_wrk() {
  command -v wrk >/dev/null 2>&1
}

have_lighttpd() {
  command -v lighttpd >/dev/null 2>&1 || [ -x /usr/sbin/lighttpd ]
}

have_apache2() {
  command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ]
}

# Debian's python3-locust is in Debian's python (/usr/bin/python3), which may not be the python3 on
# PATH (pyenv): either will do, as http-lab looks in both.
have_locust() {
  python3 -c 'import locust' >/dev/null 2>&1 || /usr/bin/python3 -c 'import locust' >/dev/null 2>&1
}

have_chromium() {
  [ -x "${HTTP_LAB_CHROMIUM:-/usr/bin/chromium}" ]
}

# What skips without each program, for the messages below.
skips() {
  case "$1" in
    nginx) echo "the nginx peer tests will skip" ;;
    wrk) echo "the bench --engine wrk test will skip" ;;
    lighttpd) echo "the lighttpd tests will skip" ;;
    apache2) echo "the apache peer tests will skip" ;;
    chromium) echo "the HTML report's browser test will skip" ;;
    locust) echo "the bench --engine locust tests will skip" ;;
  esac
}

packages=()
have_nginx || packages+=(nginx)
have_wrk || packages+=(wrk)
have_lighttpd || packages+=(lighttpd)
have_apache2 || packages+=(apache2)
have_locust || packages+=(locust)
if ! have_chromium; then
  if [ -n "${HTTP_LAB_CHROMIUM:-}" ]; then
    echo "test-setup: HTTP_LAB_CHROMIUM=$HTTP_LAB_CHROMIUM is not an executable: $(skips chromium) (not installing another one)"
  else
    packages+=(chromium)
  fi
fi
if [ "${#packages[@]}" = 0 ]; then
  exit 0 # the quick path: already installed
fi
if [ "$(id -u)" != 0 ]; then
  for name in "${packages[@]}"; do
    echo "test-setup: $name is missing and we are not root: $(skips "$name") (install it with: sudo apt-get install $name)"
  done
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  for name in "${packages[@]}"; do
    echo "test-setup: $name is missing and there is no apt-get here: $(skips "$name")"
  done
  exit 0
fi

echo "test-setup: installing Debian's ${packages[*]} for the tests (apt-get install ${packages[*]})"
# Installing nginx, lighttpd or apache2 must not start a system server on port 80: where no policy-rc.d says otherwise
# already (Docker images ship one), forbid service starts for the duration of the install.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# added by http-lab scripts/test-setup.sh for the duration of one apt-get install\nexit 101\n' >"$policy" &&
    chmod 755 "$policy" && added_policy=1
fi
log=$(mktemp)
cleanup() {
  if [ "$added_policy" = 1 ]; then rm -f "$policy"; fi
  rm -f "$log"
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >"$log" 2>&1; then
  echo "test-setup: apt-get update failed, so ${packages[*]} cannot be installed: those tests will skip; apt-get said:"
  tail -n 5 "$log" | sed 's/^/  /'
  exit 0
fi
# One package at a time, so that one that cannot be installed leaves the other.
for name in "${packages[@]}"; do
  if [ "$name" = chromium ]; then
    debs=(chromium fonts-liberation)
  elif [ "$name" = locust ]; then
    debs=(python3-locust)
  else
    debs=("$name")
  fi
  if apt-get install -y -qq --no-install-recommends "${debs[@]}" >"$log" 2>&1 && "have_$name"; then
    if [ "$name" = nginx ]; then
      echo "test-setup: installed $(nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1)"
    elif [ "$name" = lighttpd ]; then
      echo "test-setup: installed $(lighttpd -v 2>&1 | head -n 1)"
    elif [ "$name" = apache2 ]; then
      echo "test-setup: installed $( (apache2 -v 2>&1 || /usr/sbin/apache2 -v 2>&1) | head -n 1)"
    elif [ "$name" = wrk ]; then
      echo "test-setup: installed $(wrk --version 2>&1 | head -n 1)"
    elif [ "$name" = locust ]; then
      echo "test-setup: installed python3-locust $(dpkg-query -W -f '${Version}' python3-locust 2>/dev/null)"
    else
      echo "test-setup: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
    fi
  else
    echo "test-setup: could not install $name ($(skips "$name")); apt-get said:"
    tail -n 5 "$log" | sed 's/^/  /'
  fi
done
exit 0
