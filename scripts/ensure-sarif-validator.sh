#!/usr/bin/env bash
# Makes sure the Microsoft SARIF Multitool is installed in .tools/ (git
# ignored), for the test that validates tenantguard's SARIF output
# (report/sarif_validate_test.go). Idempotent, and silent when it is there.
#
# Without npm it warns and succeeds (the test then skips), except with
# CI=true, where a missing validator is a failure.
set -euo pipefail

version=5.7.0
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.tools/sarif-multitool"

case "$(uname -s)" in
Linux) platform=linux ;;
Darwin) platform=darwin ;;
MINGW* | MSYS* | CYGWIN*) platform=win32 ;;
*) platform=unknown ;;
esac
bin="$prefix/node_modules/@microsoft/sarif-multitool-$platform/Sarif.Multitool"
[ "$platform" = win32 ] && bin="$bin.exe"

installed_version() {
	[ -x "$bin" ] || return 1
	# "SARIF Multitool 5.7.0+e506911..."
	"$bin" --version 2>&1 | head -n 1 | sed -n 's/^SARIF Multitool \([0-9.]*\).*/\1/p'
}

if [ "$(installed_version || true)" = "$version" ]; then
	exit 0
fi

missing() {
	if [ "${CI:-}" = "true" ]; then
		echo "ensure-sarif-validator: $1" >&2
		exit 1
	fi
	echo "ensure-sarif-validator: $1; the SARIF validation test will be skipped" >&2
	exit 0
}

[ "$platform" = unknown ] && missing "no SARIF Multitool build for $(uname -s)"
command -v npm >/dev/null 2>&1 || missing "npm not found (install Node.js to validate SARIF output)"

echo "ensure-sarif-validator: installing @microsoft/sarif-multitool@$version into .tools/" >&2
mkdir -p "$prefix"
# A package.json of its own keeps npm from walking up to a parent project.
[ -f "$prefix/package.json" ] || echo '{"name":"tenantguard-tools","private":true}' >"$prefix/package.json"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
	"@microsoft/sarif-multitool@$version" >/dev/null
# The package's postinstall (chmod u+x) does not run when npm refuses
# install scripts; make the binary executable ourselves.
[ -f "$bin" ] && chmod u+x "$bin"

if [ "$(installed_version || true)" != "$version" ]; then
	missing "installed @microsoft/sarif-multitool@$version, but $bin does not run"
fi
