#!/usr/bin/env bash
# `npm test`'s pretest: make the peer targets available to the tests that compare against them.
# nginx (`--target nginx`) comes from Debian's `nginx` package (on bookworm, nginx-light is only a
# metapackage that depends on it plus an extra module). It is installed only when it is missing, we
# are root and apt-get exists (a CI container, a fresh dev box); anywhere else this prints why and
# carries on: the peer tests then skip with that reason. It never fails the test run.
# python3 (`--target python`) is not installed here: it is on every machine these tests run on, and
# its tests skip with a reason where it is not.
set -u

have_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || [ -x /usr/local/sbin/nginx ]
}

if have_nginx; then
  exit 0 # the quick path: already installed
fi
if [ "$(id -u)" != 0 ]; then
  echo "test-setup: nginx is missing and we are not root: the nginx peer tests will skip (install it with: sudo apt-get install nginx)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-setup: nginx is missing and there is no apt-get here: the nginx peer tests will skip"
  exit 0
fi

echo "test-setup: installing Debian's nginx for the peer tests (apt-get install nginx)"
# Installing the package must not start a system nginx on port 80: where no policy-rc.d says
# otherwise already (Docker images ship one), forbid service starts for the duration of the install.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# added by http-lab scripts/test-setup.sh for the duration of one apt-get install\nexit 101\n' >"$policy" &&
    chmod 755 "$policy" && added_policy=1
fi
cleanup() { if [ "$added_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if apt-get update -qq >"$log" 2>&1 && apt-get install -y -qq --no-install-recommends nginx >>"$log" 2>&1 && have_nginx; then
  echo "test-setup: installed $(nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1)"
else
  echo "test-setup: could not install nginx (the nginx peer tests will skip); apt-get said:"
  tail -n 5 "$log" | sed 's/^/  /'
fi
rm -f "$log"
exit 0
