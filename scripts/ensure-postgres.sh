#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, postgres) are installed,
# for the tests' throwaway clusters (internal/pgtest) and
# `tenantguard check --ephemeral`. Idempotent, and silent when they are there.
set -euo pipefail

have_initdb() {
	command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

have_initdb && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-postgres: no initdb found and no apt-get to install PostgreSQL with; install the PostgreSQL server binaries" >&2
	exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "ensure-postgres: installing PostgreSQL needs root, and there is no sudo" >&2
		exit 1
	fi
	as_root=(sudo)
fi

echo "ensure-postgres: installing PostgreSQL" >&2
# The tests make their own clusters: keep the package from creating and
# starting a "main" one on port 5432, unless this machine already says
# otherwise.
conf=/etc/postgresql-common/createcluster.conf
if [ ! -e "$conf" ]; then
	"${as_root[@]}" mkdir -p "$(dirname "$conf")"
	echo "create_main_cluster = false" | "${as_root[@]}" tee "$conf" >/dev/null
fi
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	-o Dpkg::Options::=--force-confold --no-install-recommends postgresql >/dev/null

if ! have_initdb; then
	echo "ensure-postgres: postgresql installed, but initdb is still not found" >&2
	exit 1
fi
